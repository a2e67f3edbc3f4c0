import type { HostMatrix, HostMatrix64 } from '@imprint/core';
import { GraphBuilder, type GraphElement } from '../graph.js';
import type { SessionCache } from '../sessions.js';

function productGraph(type: GraphElement): Uint8Array {
  const graph = new GraphBuilder(`mat_mul_transposed_${type}`);
  const a = graph.input('a', type, ['n', 'd']);
  const b = graph.input('b', type, ['m', 'd']);
  graph.node('Gemm', [a, b], { transB: 1 }, ['c']);
  graph.output('c', type, ['n', 'm']);
  return graph.encode();
}

/** `a · bᵀ` (`[n, d] · [m, d]ᵀ → [n, m]`) as one Gemm, float32. */
export function matMulTransposed(sessions: SessionCache, a: HostMatrix, b: HostMatrix): Float32Array {
  if (a.rows === 0 || b.rows === 0) return new Float32Array(a.rows * b.rows);
  const session = sessions.get('mat_mul_transposed_float32', () => productGraph('float32'));
  const { c } = session.run({ a: { type: 'float32', data: a.values, dims: [a.rows, a.dim] }, b: { type: 'float32', data: b.values, dims: [b.rows, b.dim] } }, ['c']);
  return c.data as Float32Array;
}

function gatheredProductGraph(): Uint8Array {
  const graph = new GraphBuilder('mat_mul_transposed_rows');
  const a = graph.input('a', 'float32', ['n', 'd']);
  const rows = graph.input('rows', 'int32', ['r']);
  const b = graph.input('b', 'float32', ['m', 'd']);
  graph.node('Gemm', [graph.op('Gather', [a, rows], { axis: 0 }), b], { transB: 1 }, ['c']);
  graph.output('c', 'float32', ['r', 'm']);
  return graph.encode();
}

/** `a[rows] · bᵀ`: the rows are gathered inside onnxruntime (no copy of them in JavaScript). */
export function matMulTransposedRows(sessions: SessionCache, a: HostMatrix, rows: Int32Array, b: HostMatrix): Float32Array {
  if (rows.length === 0 || b.rows === 0) return new Float32Array(rows.length * b.rows);
  const session = sessions.get('mat_mul_transposed_rows', gatheredProductGraph);
  const { c } = session.run(
    { a: { type: 'float32', data: a.values, dims: [a.rows, a.dim] }, rows: { type: 'int32', data: rows, dims: [rows.length] }, b: { type: 'float32', data: b.values, dims: [b.rows, b.dim] } },
    ['c'],
  );
  return c.data as Float32Array;
}

function transposedProductGraph(): Uint8Array {
  const graph = new GraphBuilder('transposed_mat_mul');
  const a = graph.input('a', 'float32', ['n', 'k']);
  const b = graph.input('b', 'float32', ['n', 'd']);
  graph.node('Gemm', [a, b], { transA: 1 }, ['c']);
  graph.output('c', 'float32', ['k', 'd']);
  return graph.encode();
}

/** `aᵀ · b` (`[n, k]ᵀ · [n, d] → [k, d]`) as one Gemm, float32. */
export function transposedMatMul(sessions: SessionCache, a: HostMatrix, b: HostMatrix): Float32Array {
  if (a.dim === 0 || b.dim === 0 || a.rows === 0) return new Float32Array(a.dim * b.dim);
  const session = sessions.get('transposed_mat_mul', transposedProductGraph);
  const { c } = session.run({ a: { type: 'float32', data: a.values, dims: [a.rows, a.dim] }, b: { type: 'float32', data: b.values, dims: [b.rows, b.dim] } }, ['c']);
  return c.data as Float32Array;
}

/** `a · bᵀ` in float64 (the trailing updates of the blocked Cholesky factorisation). */
export function matMulTransposed64(sessions: SessionCache, a: HostMatrix64, b: HostMatrix64): Float64Array {
  if (a.rows === 0 || b.rows === 0) return new Float64Array(a.rows * b.rows);
  const session = sessions.get('mat_mul_transposed_float64', () => productGraph('float64'));
  const { c } = session.run({ a: { type: 'float64', data: a.values, dims: [a.rows, a.dim] }, b: { type: 'float64', data: b.values, dims: [b.rows, b.dim] } }, ['c']);
  return c.data as Float64Array;
}
