import type { HostMatrix, HostMatrix64 } from '@imprint/core';
import { GraphBuilder } from '../graph.js';
import type { SessionCache } from '../sessions.js';

function productGraph(): Uint8Array {
  const graph = new GraphBuilder('mat_mul_transposed_float32');
  const a = graph.input('a', 'float32', ['n', 'd']);
  const b = graph.input('b', 'float32', ['m', 'd']);
  graph.node('Gemm', [a, b], { transB: 1 }, ['c']);
  graph.output('c', 'float32', ['n', 'm']);
  return graph.encode();
}

/** `a · bᵀ` (`[n, d] · [m, d]ᵀ → [n, m]`) as one Gemm, float32. */
export function matMulTransposed(sessions: SessionCache, a: HostMatrix, b: HostMatrix): Float32Array {
  if (a.rows === 0 || b.rows === 0) return new Float32Array(a.rows * b.rows);
  const session = sessions.get('mat_mul_transposed_float32', productGraph, { cpu: !sessions.onDevice(2 * a.rows * b.rows * a.dim, 4 * (a.rows * a.dim + b.rows * b.dim + a.rows * b.rows)) });
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
  // all of `a` travels to a device, not only the gathered rows
  const session = sessions.get('mat_mul_transposed_rows', gatheredProductGraph, { cpu: !sessions.onDevice(2 * rows.length * b.rows * a.dim, 4 * (a.rows * a.dim + b.rows * b.dim + rows.length * (b.rows + 1))) });
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
  const session = sessions.get('transposed_mat_mul', transposedProductGraph, { cpu: !sessions.onDevice(2 * a.rows * a.dim * b.dim, 4 * (a.rows * a.dim + b.rows * b.dim + a.dim * b.dim)) });
  const { c } = session.run({ a: { type: 'float32', data: a.values, dims: [a.rows, a.dim] }, b: { type: 'float32', data: b.values, dims: [b.rows, b.dim] } }, ['c']);
  return c.data as Float32Array;
}

/**
 * The float64 product as MatMul of `a` and `bᵀ` (Transpose inside the graph): onnxruntime's
 * float64 Gemm does not use MLAS, its float64 MatMul does — measured on 1184 × 96 · (1184 × 96)ᵀ,
 * 2 threads: Gemm(transB) 9.3 ms, Transpose + MatMul 4.0 ms. `strided`: the inputs are whole rows
 * of wider matrices and the graph takes their first `k` columns (Slice), so that strided operands
 * reach onnxruntime without a copy in JavaScript.
 */
function float64ProductGraph(strided: boolean): Uint8Array {
  const graph = new GraphBuilder(`mat_mul_transposed_float64${strided ? '_strided' : ''}`);
  let a = graph.input('a', 'float64', ['n', strided ? 'sa' : 'd']);
  let b = graph.input('b', 'float64', ['m', strided ? 'sb' : 'd']);
  if (strided) {
    const k = graph.input('k', 'int64', [1]);
    const zero = graph.constant([0], [1], 'int64');
    const axis = graph.constant([1], [1], 'int64');
    a = graph.op('Slice', [a, zero, k, axis]);
    b = graph.op('Slice', [b, zero, k, axis]);
  }
  graph.node('MatMul', [a, graph.op('Transpose', [b], { perm: [1, 0] })], {}, ['c']);
  graph.output('c', 'float64', ['n', 'm']);
  return graph.encode();
}

/** `x` as whole rows of `stride` values each: the values themselves where the buffer holds the last row in full, else a copy of the first `dim` columns. */
function wholeRows(x: HostMatrix64): { data: Float64Array; width: number } {
  const stride = x.stride ?? x.dim;
  if (x.values.length >= x.rows * stride) return { data: x.values.subarray(0, x.rows * stride), width: stride };
  const data = new Float64Array(x.rows * x.dim);
  for (let r = 0; r < x.rows; r++) data.set(x.values.subarray(r * stride, r * stride + x.dim), r * x.dim);
  return { data, width: x.dim };
}

/** `a · bᵀ` in float64, strides honoured (the panels and updates of the blocked Cholesky factorisation). */
export function matMulTransposed64(sessions: SessionCache, a: HostMatrix64, b: HostMatrix64): Float64Array {
  if (a.rows === 0 || b.rows === 0) return new Float64Array(a.rows * b.rows);
  const left = wholeRows(a);
  const right = wholeRows(b);
  const feeds = { a: { type: 'float64' as const, data: left.data, dims: [a.rows, left.width] }, b: { type: 'float64' as const, data: right.data, dims: [b.rows, right.width] } };
  if (left.width === a.dim && right.width === b.dim) return sessions.get('mat_mul_transposed_float64', () => float64ProductGraph(false), { cpu: true }).run(feeds, ['c']).c.data as Float64Array;
  const session = sessions.get('mat_mul_transposed_float64_strided', () => float64ProductGraph(true), { cpu: true });
  return session.run({ ...feeds, k: { type: 'int64', data: BigInt64Array.of(BigInt(a.dim)), dims: [1] } }, ['c']).c.data as Float64Array;
}
