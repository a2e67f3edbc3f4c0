import type { HostMatrix } from '@imprint/core';
import { GraphBuilder } from '../graph.js';
import type { SessionCache } from '../sessions.js';

/*
 * Columns that are zero in every row — dead ReLU channels of a CNN's pooled features: 383 of
 * mobilenet_v2_nsfw's 1280 on MNIST — contribute exact zeros to every product over the columns,
 * so the products may leave them out.
 */

/** Columns are left out when at least this share of them is zero (below it, finding them costs more than it saves). */
const MIN_ZERO_SHARE = 1 / 16;
/** Rows looked at to decide whether looking for zero columns is worth a pass over all rows: at most this many, … */
const SAMPLE_ROWS = 2048;
/** … and at most this share of the rows (a sample of a third of 6000 rows cost 5 ms a call). */
const SAMPLE_SHARE = 1 / 16;
/** Rows per pass of the column-norm graph. */
const CHUNK_ROWS = 8192;

/** Column L1 norms of `x`, or with `sampled` of its rows `rows` only. */
function columnL1Graph(sampled: boolean): Uint8Array {
  const graph = new GraphBuilder(`column_l1${sampled ? '_sampled' : ''}`);
  let x = graph.input('x', 'float32', ['n', 'd']);
  if (sampled) x = graph.op('Gather', [x, graph.input('rows', 'int64', ['s'])], { axis: 0 });
  graph.node('ReduceSum', [graph.op('Abs', [x]), graph.constant([0], [1], 'int64')], { keepdims: 0 }, ['l1']);
  graph.output('l1', 'float32', ['d']);
  return graph.encode();
}

function countZeros(values: Float32Array): number {
  let zeros = 0;
  for (const value of values) if (value === 0) zeros++;
  return zeros;
}

/**
 * The columns of `x` that hold a value other than zero, or undefined when fewer than
 * {@link MIN_ZERO_SHARE} of the columns are zero. A column's L1 norm is zero exactly when all its
 * values are zero (a sum of absolute values cannot underflow to zero; NaN and overflow are not
 * zero, so such columns are kept). Rows spread over the whole matrix are looked at first: when few
 * of their columns are zero, no pass over all rows is made (dense data pays for 1/16 of the rows,
 * at most 2048).
 */
export function nonZeroColumns(sessions: SessionCache, x: HostMatrix): Int32Array | undefined {
  const { rows, dim } = x;
  const minimum = dim * MIN_ZERO_SHARE;
  const whole = { type: 'float32' as const, data: x.values, dims: [rows, dim] };
  const sampled = Math.min(SAMPLE_ROWS, Math.ceil(rows * SAMPLE_SHARE));
  if (sampled < rows) {
    const sample = BigInt64Array.from({ length: sampled }, (_, i) => BigInt(Math.floor((i * rows) / sampled)));
    // the whole matrix is fed (the graph gathers the sample): never worth a trip to a device
    const l1 = sessions.get('column_l1_sampled', () => columnL1Graph(true), { cpu: true }).run({ x: whole, rows: { type: 'int64', data: sample, dims: [sampled] } }, ['l1']).l1.data as Float32Array;
    if (countZeros(l1) < minimum) return undefined;
  }
  const session = sessions.get('column_l1', () => columnL1Graph(false), { cpu: !sessions.onDevice(2 * rows * dim, 4 * rows * dim) });
  const zero = new Uint8Array(dim).fill(1);
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const end = Math.min(rows, start + CHUNK_ROWS);
    const l1 = session.run({ x: { type: 'float32', data: x.values.subarray(start * dim, end * dim), dims: [end - start, dim] } }, ['l1']).l1.data as Float32Array;
    for (let j = 0; j < dim; j++) if (l1[j] !== 0) zero[j] = 0;
  }
  let zeros = 0;
  for (const flag of zero) zeros += flag;
  if (zeros < minimum) return undefined;
  const kept = new Int32Array(dim - zeros);
  for (let j = 0, k = 0; j < dim; j++) if (zero[j] === 0) kept[k++] = j;
  return kept;
}

