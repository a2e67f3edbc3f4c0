import type { HostMatrix } from '@imprint/core';
import { GraphBuilder } from '../graph.js';
import type { SessionCache } from '../sessions.js';

/** Columns per tile: the Gram matrix is computed tile by tile, upper tiles only. */
const TILE = 320;

function tiles(dim: number): { start: number; end: number }[] {
  const count = Math.max(1, Math.round(dim / TILE));
  return Array.from({ length: count }, (_, t) => ({ start: Math.floor((t * dim) / count), end: Math.floor(((t + 1) * dim) / count) }));
}

function gramGraph(dim: number): Uint8Array {
  const graph = new GraphBuilder(`gram_${dim}`);
  const x = graph.input('x', 'float32', ['n', dim]);
  const axis = graph.constant([1], [1], 'int64');
  const parts = tiles(dim).map(({ start, end }) => graph.op('Slice', [x, graph.constant([start], [1], 'int64'), graph.constant([end], [1], 'int64'), axis]));
  parts.forEach((left, i) => {
    for (let j = i; j < parts.length; j++) {
      const name = `g_${i}_${j}`;
      graph.node('Gemm', [left, parts[j]], { transA: 1 }, [name]);
      graph.output(name, 'float32', ['a', 'b']);
    }
  });
  return graph.encode();
}

/**
 * The Gram matrix `xᵀx` `[d, d]`: the columns are cut into tiles of about 320 and only the tiles
 * on and above the diagonal are multiplied (for d = 1280, 10 of 16 tile products), the others
 * mirrored — a symmetric product at well over half the cost of a full one.
 */
export function gram(sessions: SessionCache, x: HostMatrix): Float32Array {
  const { rows, dim } = x;
  const out = new Float32Array(dim * dim);
  if (rows === 0) return out;
  const session = sessions.get(`gram_${dim}`, () => gramGraph(dim));
  const parts = tiles(dim);
  const names = parts.flatMap((_, i) => parts.slice(i).map((__, offset) => `g_${i}_${i + offset}`));
  const result = session.run({ x: { type: 'float32', data: x.values, dims: [rows, dim] } }, names);
  parts.forEach((row, i) => {
    for (let j = i; j < parts.length; j++) {
      const column = parts[j];
      const tile = result[`g_${i}_${j}`].data as Float32Array;
      const width = column.end - column.start;
      for (let r = 0; r < row.end - row.start; r++) {
        for (let c = 0; c < width; c++) {
          const value = tile[r * width + c];
          out[(row.start + r) * dim + column.start + c] = value;
          out[(column.start + c) * dim + row.start + r] = value;
        }
      }
    }
  });
  return out;
}
