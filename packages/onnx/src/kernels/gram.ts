import type { HostMatrix } from '@imprint/core';
import { GraphBuilder } from '../graph.js';
import type { OrtSession } from '../runtime.js';
import type { SessionCache } from '../sessions.js';
import { nonZeroColumns } from './zero-columns.js';

/** Columns per tile: the Gram matrix is computed tile by tile, upper tiles only. */
const TILE = 256;
/** Rows per run: more rows are taken in chunks of at most this many (the column tiles of a chunk stay small enough for onnxruntime to reuse their memory from chunk to chunk). */
const CHUNK_ROWS = 8192;

/** Row ranges of the chunks `x` is taken in. */
function chunkRanges(rows: number): { start: number; end: number }[] {
  const chunks = Math.ceil(rows / CHUNK_ROWS);
  return Array.from({ length: chunks }, (_, c) => ({ start: Math.floor((c * rows) / chunks), end: Math.floor(((c + 1) * rows) / chunks) }));
}

/** The columns of each tile: about `TILE` of `columns` each, in order. */
function tiles(columns: Int32Array): Int32Array[] {
  const count = Math.max(1, Math.round(columns.length / TILE));
  return Array.from({ length: count }, (_, t) => columns.subarray(Math.floor((t * columns.length) / count), Math.floor(((t + 1) * columns.length) / count)));
}

/** For every tile pair i ≤ j: an input `acc_i_j` and the output `t_i_j = (tile i)ᵀ·(tile j) + acc_i_j`, one Gemm with β = 1. */
function tileProducts(graph: GraphBuilder, parts: readonly string[], sizes: readonly (number | string)[], transposed: boolean): void {
  parts.forEach((left, i) => {
    for (let j = i; j < parts.length; j++) {
      const shape = [sizes[i], sizes[j]];
      const acc = graph.input(`acc_${i}_${j}`, 'float32', shape);
      graph.node('Gemm', [left, parts[j], acc], { ...(transposed ? { transB: 1 } : { transA: 1 }), beta: { float: 1 } }, [`t_${i}_${j}`]);
      graph.output(`t_${i}_${j}`, 'float32', shape);
    }
  });
}

/**
 * The Gram graph of one chunk of rows over all columns, cut into contiguous tiles (Slice): for
 * every tile pair i ≤ j, `t_i_j = x[:, tile i]ᵀ · x[:, tile j] + acc_i_j` as one Gemm with β = 1
 * (MLAS adds the running sum while it writes the product: no separate pass over the sums, and no
 * assembly of the whole matrix per chunk).
 */
function denseGraph(dim: number): Uint8Array {
  const graph = new GraphBuilder(`gram_tiles_${dim}`);
  const x = graph.input('x', 'float32', ['n', dim]);
  const axis = graph.constant([1], [1], 'int64');
  const spans = tiles(Int32Array.from({ length: dim }, (_, j) => j));
  const parts = spans.map((columns) => graph.op('Slice', [x, graph.constant([columns[0]], [1], 'int64'), graph.constant([columns[columns.length - 1] + 1], [1], 'int64'), axis]));
  tileProducts(graph, parts, spans.map((columns) => columns.length), false);
  return graph.encode();
}

/**
 * The same over chosen columns (inputs `columns_t`, the columns of tile t): the chunk is
 * transposed once and each tile's columns gathered as whole rows of the transpose (a Gather of
 * single columns copies element by element; measured, 60 000 × 1280 with 897 columns kept:
 * 390 ms this way, 495 ms gathering columns).
 */
function gatheredGraph(tileCount: number): Uint8Array {
  const graph = new GraphBuilder(`gram_gathered_${tileCount}`);
  const x = graph.input('x', 'float32', ['n', 'd']);
  const transposed = graph.op('Transpose', [x], { perm: [1, 0] });
  const sizes = Array.from({ length: tileCount }, (_, t) => `k${t}`);
  const parts = sizes.map((size, t) => graph.op('Gather', [transposed, graph.input(`columns_${t}`, 'int64', [size])], { axis: 0 }));
  tileProducts(graph, parts, sizes, true);
  return graph.encode();
}

type IndexFeeds = Record<string, { type: 'int64'; data: BigInt64Array; dims: number[] }>;

/** The running sum of one tile product, tile `i` of the rows by tile `j` of the columns (i ≤ j). */
interface TileSum {
  readonly i: number;
  readonly j: number;
  sum: Float32Array;
}

/** Run `session` over the chunks of `x`, each tile product added to its running sum. */
function accumulateTiles(session: OrtSession, x: HostMatrix, spans: readonly Int32Array[], indices: IndexFeeds): TileSum[] {
  const tiles: TileSum[] = [];
  spans.forEach((a, i) =>
    spans.forEach((b, j) => {
      if (j >= i) tiles.push({ i, j, sum: new Float32Array(a.length * b.length) });
    }),
  );
  const outputs = tiles.map(({ i, j }) => `t_${i}_${j}`);
  for (const { start, end } of chunkRanges(x.rows)) {
    const feeds: Parameters<OrtSession['run']>[0] = { ...indices, x: { type: 'float32', data: x.values.subarray(start * x.dim, end * x.dim), dims: [end - start, x.dim] } };
    for (const { i, j, sum } of tiles) feeds[`acc_${i}_${j}`] = { type: 'float32', data: sum, dims: [spans[i].length, spans[j].length] };
    const result = session.run(feeds, outputs);
    for (const tile of tiles) tile.sum = result[`t_${tile.i}_${tile.j}`].data as Float32Array;
  }
  return tiles;
}

/** Whether the Gram products over `columns` of the columns go to the engine's device: the upper tiles' work against the rows and the running sums (in and out, per chunk) moved. */
function onDevice(sessions: SessionCache, x: HostMatrix, columns: number): boolean {
  return sessions.onDevice(x.rows * columns * columns, 4 * (x.rows * x.dim + 2 * chunkRanges(x.rows).length * columns * columns));
}

/** The tile sums over all columns (contiguous tiles). */
function denseTiles(sessions: SessionCache, x: HostMatrix): { spans: Int32Array[]; sums: TileSum[] } {
  const spans = tiles(Int32Array.from({ length: x.dim }, (_, j) => j));
  return { spans, sums: accumulateTiles(sessions.get(`gram_tiles_${x.dim}`, () => denseGraph(x.dim), { spin: true, cpu: !onDevice(sessions, x, x.dim) }), x, spans, {}) };
}

/** The tile sums over the columns that are not zero, or undefined when too few columns are zero. */
function sparseTiles(sessions: SessionCache, x: HostMatrix): { spans: Int32Array[]; sums: TileSum[] } | undefined {
  const kept = nonZeroColumns(sessions, x);
  if (kept === undefined) return undefined;
  const spans = tiles(kept);
  const indices: IndexFeeds = {};
  spans.forEach((tile, t) => (indices[`columns_${t}`] = { type: 'int64', data: BigInt64Array.from(tile, BigInt), dims: [tile.length] }));
  return { spans, sums: accumulateTiles(sessions.get(`gram_gathered_${spans.length}`, () => gatheredGraph(spans.length), { spin: true, cpu: !onDevice(sessions, x, kept.length) }), x, spans, indices) };
}

/**
 * The Gram matrix `xᵀx` `[d, d]`: the columns are cut into tiles of about 256 and only the tiles
 * on and above the diagonal are multiplied (for d = 1280, 15 of 25 tile products) — a symmetric
 * product at little more than half the cost of a full one (measured, 6000 × 1280: 53 ms against
 * 85 ms). Many rows go in chunks (views, no copy) whose tile products are added to the running
 * tile sums inside the Gemm; the symmetric matrix is written once at the end, each lower entry
 * the mirror of its upper one (exactly symmetric by construction). Measured on 60 000 × 1280,
 * 2 threads: 600 ms, against 630–680 ms when each chunk's whole matrix was assembled and added.
 *
 * Columns that are zero in every row (dead ReLU channels: 383 of mobilenet_v2_nsfw's 1280 on
 * MNIST) have zero rows and columns in the Gram matrix. When at least 1/16 of the columns are
 * zero (one pass over the rows finds them, after a look at 2048 rows says it is worth it) they are
 * left out of the products and their entries are exact zeros, as the full product gives them: for
 * 897 of 1280 columns about half the work (60 000 × 1280 on MNIST: ≈ 450 ms against ≈ 600).
 */
export function gram(sessions: SessionCache, x: HostMatrix): Float32Array {
  const { rows, dim } = x;
  const out = new Float32Array(dim * dim);
  if (rows === 0) return out;
  const { spans, sums } = sparseTiles(sessions, x) ?? denseTiles(sessions, x);
  for (const { i, j, sum: tile } of sums) {
    const rowsOfTile = spans[i];
    const columnsOfTile = spans[j];
    const width = columnsOfTile.length;
    for (let r = 0; r < rowsOfTile.length; r++) {
      const row = rowsOfTile[r];
      for (let c = i === j ? r : 0; c < width; c++) {
        const column = columnsOfTile[c];
        const value = tile[r * width + c];
        out[row * dim + column] = value;
        out[column * dim + row] = value;
      }
    }
  }
  return out;
}
