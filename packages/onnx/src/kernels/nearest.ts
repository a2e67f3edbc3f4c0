import type { HostMatrix, NearestMetric, NearestResult } from '@imprint/core';
import { GraphBuilder } from '../graph.js';
import type { SessionCache } from '../sessions.js';
import { nonZeroColumns } from './zero-columns.js';

/**
 * Most elements of one `[block, targets]` score block. Larger query blocks amortise the packing of
 * the targets in each Gemm (measured, 60 000 × 1280 targets: 7.8 s per 10 000 queries in blocks of
 * 559, 7.2 s in blocks of 1024); 64 Mi elements is 256 MiB.
 */
const BLOCK_ELEMENTS = 64 * 1024 * 1024;
/** The same on a GPU, where every block also carries the targets there again: 256 Mi elements (1 GiB of scores), fewer trips. */
const DEVICE_BLOCK_ELEMENTS = 4 * BLOCK_ELEMENTS;

/** Rows scaled to unit L2 norm with the norm floored at 1e-12 (as the `l2` normalizer does). */
function unitRows(graph: GraphBuilder, x: string): string {
  const norm = graph.op('ReduceL2', [x], { axes: [1], keepdims: 1 });
  return graph.op('Div', [x, graph.op('Max', [norm, graph.constant([1e-12], [])])]);
}

function unitRowsGraph(): Uint8Array {
  const graph = new GraphBuilder('unit_rows');
  const x = graph.input('x', 'float32', ['n', 'd']);
  const epsilon = graph.input('epsilon', 'float32', []);
  const norms = graph.op('ReduceL2', [x], { axes: [1], keepdims: 1 });
  graph.node('Div', [x, graph.op('Max', [norms, epsilon])], {}, ['y']);
  graph.node('ReduceSumSquare', [x], { axes: [1], keepdims: 0 }, ['squared']);
  graph.output('y', 'float32', ['n', 'd']);
  graph.output('squared', 'float32', ['n']);
  return graph.encode();
}

/** Rows scaled to unit length (norm floored at `epsilon`) and the rows' squared norms (the `unitRows` kernel). */
export function unitRowsKernel(sessions: SessionCache, x: HostMatrix, epsilon: number): { values: Float32Array; squaredNorms: Float32Array } {
  if (x.rows === 0) return { values: new Float32Array(0), squaredNorms: new Float32Array(0) };
  const out = sessions.get('unit_rows', unitRowsGraph, { cpu: !sessions.onDevice(3 * x.rows * x.dim, 8 * x.rows * x.dim) }).run({ x: { type: 'float32', data: x.values, dims: [x.rows, x.dim] }, epsilon: { type: 'float32', data: Float32Array.of(epsilon), dims: [] } }, ['y', 'squared']);
  return { values: out.y.data as Float32Array, squaredNorms: out.squared.data as Float32Array };
}

function squaredNormsGraph(): Uint8Array {
  const graph = new GraphBuilder('squared_row_norms');
  const x = graph.input('x', 'float32', ['n', 'd']);
  graph.node('ReduceSumSquare', [x], { axes: [1], keepdims: 0 }, ['y']);
  graph.output('y', 'float32', ['n']);
  return graph.encode();
}

/** The squared L2 norm of every row (the `rowSquaredNorms` kernel). */
export function rowSquaredNormsKernel(sessions: SessionCache, x: HostMatrix): Float32Array {
  if (x.rows === 0) return new Float32Array(0);
  return sessions.get('squared_row_norms', squaredNormsGraph, { cpu: !sessions.onDevice(2 * x.rows * x.dim, 4 * x.rows * (x.dim + 1)) }).run({ x: { type: 'float32', data: x.values, dims: [x.rows, x.dim] } }, ['y']).y.data as Float32Array;
}

/**
 * The ranking score of every target for a query block, then TopK (ties to the lower index, as
 * the ONNX TopK operator defines), then the distances of the m selected only:
 * - cosine: similarities unit(q)·unit(t)ᵀ (targets arrive normalised), largest first; distance
 *   1 − similarity;
 * - euclidean: ‖t‖² − 2q·tᵀ (the per-query ‖q‖² does not change the order) as one plain Gemm
 *   of augmented rows, [q, 1]·[−2t, ‖t‖²]ᵀ, smallest first; distance √relu(‖q‖² + score). When
 *   every target has unit length (weights stored after l2 NORMpost) the order is that of q·tᵀ,
 *   largest first, and the distance √relu(‖q‖² + 1 − 2q·t): no augmented copy of the targets.
 * No elementwise pass runs over the whole `[block, targets]` score matrix besides the Gemm and TopK.
 */
/**
 * TopK of every row of `scores` `[b, p]`, in two stages when `chunked` (inputs `pads`, `chunks`
 * and `offsets` say how): each row is cut into chunks of {@link TOPK_CHUNK} (the last padded with
 * the worst value), the k best of each chunk are taken, then the k best of those candidates. The
 * result is the one-stage result exactly, ties included: an element among a row's k best under
 * (value, lower index first) is among its chunk's k best, and the candidates lie in index order
 * of their chunks, each chunk's sorted with ties by lower index. For a GPU, whose TopK over
 * 60 000 columns is slow; the CPU's one-stage TopK is fast.
 */
function topK(graph: GraphBuilder, scores: string, k: string, largest: 0 | 1, chunked: boolean): [string, string] {
  if (!chunked) return graph.node('TopK', [scores, k], { largest, sorted: 1, axis: 1 }, 2) as [string, string];
  const pads = graph.input('pads', 'int64', [4]);
  const shape = graph.input('chunks', 'int64', [3]);
  const offsets = graph.input('offsets', 'int64', ['c', 1]);
  const padded = graph.op('Pad', [scores, pads, graph.constant([largest === 1 ? -Infinity : Infinity], [])], { mode: 'constant' });
  const [values, local] = graph.node('TopK', [graph.op('Reshape', [padded, shape]), k], { largest, sorted: 1, axis: 2 }, 2);
  const flat = graph.constant([0, -1], [2], 'int64');
  const candidates = graph.op('Reshape', [values, flat]);
  const global = graph.op('Reshape', [graph.op('Add', [local, offsets]), flat]);
  const [best, position] = graph.node('TopK', [candidates, k], { largest, sorted: 1, axis: 1 }, 2);
  return [best, graph.op('GatherElements', [global, position], { axis: 1 })];
}

/** Columns per chunk of the two-stage TopK. */
const TOPK_CHUNK = 1024;

/** The feeds of the two-stage TopK over `count` targets. */
function chunkFeeds(count: number): Record<string, Feed> {
  const chunks = Math.ceil(count / TOPK_CHUNK);
  return {
    pads: { type: 'int64', data: BigInt64Array.of(0n, 0n, 0n, BigInt(chunks * TOPK_CHUNK - count)), dims: [4] },
    chunks: { type: 'int64', data: BigInt64Array.of(0n, BigInt(chunks), BigInt(TOPK_CHUNK)), dims: [3] },
    offsets: { type: 'int64', data: BigInt64Array.from({ length: chunks }, (_, c) => BigInt(c * TOPK_CHUNK)), dims: [chunks, 1] },
  };
}

function nearestGraph(metric: NearestMetric | 'euclidean_unit', gathered: boolean, chunked: boolean): Uint8Array {
  const graph = new GraphBuilder(`nearest_${metric}${gathered ? '_gathered' : ''}${chunked ? '_chunked' : ''}`);
  const q = graph.input('q', 'float32', ['b', 'e']);
  const t = graph.input('t', 'float32', ['p', gathered ? 'c' : 'e']);
  const k = graph.input('k', 'int64', [1]);
  // With `gathered`, the targets hold only the columns `columns` (the others are zero in every
  // target): the query's matching columns are taken for the product, the whole query for its norm.
  const columns = gathered ? graph.input('columns', 'int64', ['c']) : undefined;
  const matching = (x: string) => (columns === undefined ? x : graph.op('Gather', [x, columns], { axis: 1 }));
  if (metric === 'cosine') {
    const similarities = graph.op('Gemm', [matching(unitRows(graph, q)), t], { transB: 1 });
    const [best, indices] = topK(graph, similarities, k, 1, chunked);
    graph.node('Sub', [graph.constant([1], []), best], {}, ['distances']);
    graph.node('Identity', [indices], {}, ['indices']);
  } else if (metric === 'euclidean_unit') {
    // unit-length targets: ‖q − t‖² = ‖q‖² + 1 − 2q·t, so the largest q·t is the nearest
    const [best, indices] = topK(graph, graph.op('Gemm', [matching(q), t], { transB: 1 }), k, 1, chunked);
    const queryNorms = graph.op('ReduceSumSquare', [q], { axes: [1], keepdims: 1 });
    const squared = graph.op('Sub', [graph.op('Add', [queryNorms, graph.constant([1], [])]), graph.op('Mul', [graph.constant([2], []), best])]);
    graph.node('Sqrt', [graph.op('Relu', [squared])], {}, ['distances']);
    graph.node('Identity', [indices], {}, ['indices']);
  } else {
    // q arrives as [q, 1, 0…] and t as [−2t, ‖t‖², 0…] (augmentedWidth columns)
    const scores = graph.op('Gemm', [matching(q), t], { transB: 1 });
    const [best, indices] = topK(graph, scores, k, 0, chunked);
    // ‖q‖² of the augmented rows is ‖q‖² + 1
    const queryNorms = graph.op('Sub', [graph.op('ReduceSumSquare', [q], { axes: [1], keepdims: 1 }), graph.constant([1], [])]);
    graph.node('Sqrt', [graph.op('Relu', [graph.op('Add', [queryNorms, best])])], {}, ['distances']);
    graph.node('Identity', [indices], {}, ['indices']);
  }
  graph.output('distances', 'float32', ['b', 'm']);
  graph.output('indices', 'int64', ['b', 'm']);
  return graph.encode();
}

type Feed = { type: 'float32'; data: Float32Array; dims: readonly number[] } | { type: 'int64'; data: BigInt64Array; dims: readonly number[] };

/**
 * What a target matrix needs before its blocks are scored (unit rows, or squared norms), kept
 * per target buffer: a head's stored weights are the same buffer in every call, so repeated
 * predictions prepare them once.
 */
interface Prepared {
  /** The graph to score with. */
  readonly graph: NearestMetric | 'euclidean_unit';
  /** Whether the targets hold only their columns that are not zero (feed `columns` names them). */
  readonly gathered: boolean;
  readonly feeds: Record<string, Feed>;
}
const preparedTargets = new WeakMap<Float32Array, { fingerprint: number } & Partial<Record<NearestMetric, Prepared>>>();

/** Whether every squared norm is 1 within float32 rounding of a unit row. */
function allUnit(squaredNorms: Float32Array): boolean {
  for (let i = 0; i < squaredNorms.length; i++) if (Math.abs(squaredNorms[i] - 1) > 1e-6) return false;
  return true;
}

/** A cheap fingerprint of a buffer (length and 257 spread values), so a buffer changed in place is prepared again. */
function fingerprint(values: Float32Array): number {
  let hash = values.length;
  const step = Math.max(1, Math.floor(values.length / 256));
  for (let i = 0; i < values.length; i += step) hash = (hash * 31 + values[i] * 1e6) % 2147483647;
  return hash + values[values.length - 1];
}

/**
 * The target rows as the graph scores them — unit rows for cosine (given ones as they are), given
 * unit rows for euclidean, else the augmented rows [−2t, ‖t‖²] — and, when enough columns are zero
 * in every target (dead ReLU channels; see `zero-columns.ts`), those columns left out: every score
 * is then a product over fewer columns, with the same terms but for exact zeros.
 */
function prepareTargets(sessions: SessionCache, targets: HostMatrix, metric: NearestMetric): Prepared {
  const print = fingerprint(targets.values);
  const entry = preparedTargets.get(targets.values);
  const cached = entry?.fingerprint === print ? entry[metric] : undefined;
  if (cached !== undefined && cached.feeds.t.dims[0] === targets.rows) return cached;
  const { rows: count, dim } = targets;
  // Weights stored after l2 NORMpost are unit rows already: used as they are (normalising them
  // again changes no value by more than rounding), which saves a copy of every weight.
  const squaredNorms = rowSquaredNormsKernel(sessions, targets);
  const unit = allUnit(squaredNorms);
  let graph: Prepared['graph'];
  let scored: HostMatrix;
  if (metric === 'cosine') {
    graph = 'cosine';
    scored = unit ? targets : { values: unitRowsKernel(sessions, targets, 1e-12).values, rows: count, dim };
  } else if (unit) {
    graph = 'euclidean_unit';
    scored = targets;
  } else {
    graph = 'euclidean';
    const width = augmentedWidth(dim);
    const augmented = new Float32Array(count * width);
    for (let r = 0; r < count; r++) {
      const from = r * dim;
      const to = r * width;
      for (let j = 0; j < dim; j++) augmented[to + j] = -2 * targets.values[from + j];
      augmented[to + dim] = squaredNorms[r];
    }
    scored = { values: augmented, rows: count, dim: width };
  }
  const kept = nonZeroColumns(sessions, scored);
  const prepared: Prepared =
    kept === undefined
      ? { graph, gathered: false, feeds: { t: { type: 'float32', data: scored.values, dims: [count, scored.dim] } } }
      : {
          graph,
          gathered: true,
          feeds: {
            t: { type: 'float32', data: keepColumns(scored, kept), dims: [count, kept.length] },
            columns: { type: 'int64', data: BigInt64Array.from(kept, BigInt), dims: [kept.length] },
          },
        };
  preparedTargets.set(targets.values, { ...(entry?.fingerprint === print ? entry : {}), fingerprint: print, [metric]: prepared });
  return prepared;
}

/**
 * Columns of the augmented rows [x, 1] / [−2t, ‖t‖²]: d + 1 rounded up to a multiple of 4, the
 * extra columns zero. A GPU's Gemm reads rows four floats at a time only when their length allows
 * it (measured on the H200: 5-NN euclidean over 60 000 × 1281 slower than cosine over 1280); the
 * zero columns add exact zeros, so every score is the same.
 */
function augmentedWidth(dim: number): number {
  return Math.ceil((dim + 1) / 4) * 4;
}

/** The columns `kept` of every row of `x`, row-major `[x.rows, kept.length]`. */
function keepColumns(x: HostMatrix, kept: Int32Array): Float32Array {
  const out = new Float32Array(x.rows * kept.length);
  for (let r = 0; r < x.rows; r++) {
    const from = r * x.dim;
    const to = r * kept.length;
    for (let k = 0; k < kept.length; k++) out[to + k] = x.values[from + kept[k]];
  }
  return out;
}

/** The `m` nearest targets of every query (see the `nearest` kernel contract in @imprint/core). */
export function nearest(sessions: SessionCache, queries: HostMatrix, targets: HostMatrix, m: number, metric: NearestMetric): NearestResult {
  const { rows, dim } = queries;
  const count = targets.rows;
  const neighbours = Math.min(m, count);
  const indices = new Int32Array(rows * neighbours);
  const distances = new Float32Array(rows * neighbours);
  if (rows === 0 || neighbours === 0) return { m: neighbours, indices, distances };
  const prepared = prepareTargets(sessions, targets, metric);
  // on a device the targets travel once per query block
  const deviceStep = Math.max(1, Math.min(rows, Math.floor(DEVICE_BLOCK_ELEMENTS / count)));
  const onDevice = sessions.onDevice(2 * rows * count * dim, 4 * (rows * dim + Math.ceil(rows / deviceStep) * count * dim + 2 * rows * neighbours));
  const step = onDevice ? deviceStep : Math.max(1, Math.min(rows, Math.floor(BLOCK_ELEMENTS / count)));
  // two-stage TopK on a device when the rows are long enough to be cut
  const chunked = onDevice && count > 2 * TOPK_CHUNK;
  const session = sessions.get(`nearest_${prepared.graph}${prepared.gathered ? '_gathered' : ''}${chunked ? '_chunked' : ''}`, () => nearestGraph(prepared.graph, prepared.gathered, chunked), { spin: true, cpu: !onDevice });
  const chunking = chunked ? chunkFeeds(count) : {};
  const k = { type: 'int64' as const, data: BigInt64Array.of(BigInt(neighbours)), dims: [1] };
  const width = augmentedWidth(dim);
  const augmented = prepared.graph === 'euclidean' ? new Float32Array(Math.min(step, rows) * width) : undefined;
  for (let start = 0; start < rows; start += step) {
    const size = Math.min(step, rows - start);
    let block = { type: 'float32' as const, data: queries.values.subarray(start * dim, (start + size) * dim), dims: [size, dim] };
    if (augmented !== undefined) {
      for (let r = 0; r < size; r++) {
        augmented.set(block.data.subarray(r * dim, (r + 1) * dim), r * width);
        augmented[r * width + dim] = 1;
      }
      block = { type: 'float32', data: augmented.subarray(0, size * width), dims: [size, width] };
    }
    const result = session.run({ q: block, k, ...prepared.feeds, ...chunking }, ['distances', 'indices']);
    distances.set(result.distances.data as Float32Array, start * neighbours);
    const found = result.indices.data as BigInt64Array;
    for (let i = 0; i < found.length; i++) indices[start * neighbours + i] = Number(found[i]);
  }
  if (onDevice && metric === 'euclidean') exactDistances(queries, targets, neighbours, indices, distances);
  return { m: neighbours, indices, distances };
}

/**
 * The euclidean distances of the selected neighbours computed directly, ‖q − t‖ in float64, and
 * each query's neighbours ordered by them (ties to the lower index). The expanded form the
 * products rank with, ‖q‖² + ‖t‖² − 2q·t, cancels for near neighbours: on a GPU, whose sums run
 * in another order than the CPU's, a target equal to the query came out at 7e-4 instead of 0
 * (SwiftShader). m per query: rows × m × d operations, small beside the search.
 */
function exactDistances(queries: HostMatrix, targets: HostMatrix, m: number, indices: Int32Array, distances: Float32Array): void {
  const { dim } = queries;
  const order = Array.from({ length: m }, (_, i) => i);
  const found = new Float64Array(m);
  const ids = new Int32Array(m);
  for (let r = 0; r < queries.rows; r++) {
    const q = r * dim;
    for (let i = 0; i < m; i++) {
      const t = indices[r * m + i] * dim;
      let sum = 0;
      for (let j = 0; j < dim; j++) {
        const d = queries.values[q + j] - targets.values[t + j];
        sum += d * d;
      }
      found[i] = Math.sqrt(sum);
      ids[i] = indices[r * m + i];
      order[i] = i;
    }
    order.sort((a, b) => found[a] - found[b] || ids[a] - ids[b]);
    for (let i = 0; i < m; i++) {
      indices[r * m + i] = ids[order[i]];
      distances[r * m + i] = found[order[i]];
    }
  }
}
