import { describe, expect, it } from 'vitest';
import { firstNonFinite, Imprinter, ImprintError, toHostMatrix, type Engine, type HostMatrix } from '../index.js';
import { testRegistry } from './test-plugins.js';

/** A `rowSquaredNorms` kernel in plain JavaScript that counts its calls. */
function countingNorms(): { kernels: Engine['kernels']; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    kernels: {
      rowSquaredNorms: ({ values, rows, dim }: HostMatrix) => {
        calls++;
        const out = new Float32Array(rows);
        for (let r = 0; r < rows; r++) {
          let sum = 0;
          for (let j = 0; j < dim; j++) sum += values[r * dim + j] * values[r * dim + j];
          out[r] = sum;
        }
        return out;
      },
    },
  };
}

const ROWS = 2048;
const DIM = 640; // 1.3 M values: above the size from which the kernel is used

function large(): Float32Array {
  return Float32Array.from({ length: ROWS * DIM }, (_, i) => Math.sin(i) * 3);
}

describe('firstNonFinite with an engine kernel', () => {
  it('finds the same first NaN or ±Infinity as the plain scan, through the kernel', () => {
    for (const [at, value] of [[0, Number.NaN], [DIM * 700 + 13, Number.POSITIVE_INFINITY], [ROWS * DIM - 1, Number.NEGATIVE_INFINITY]] as const) {
      const values = large();
      values[at] = value;
      values[at + 5 < values.length ? at + 5 : 0] = Number.NaN; // a later (or earlier) second one
      const { kernels, calls } = countingNorms();
      expect(firstNonFinite(values, DIM, kernels)).toBe(firstNonFinite(values));
      expect(calls()).toBe(1);
    }
  });

  it('passes finite rows whose squared norm overflows float32 (searched, nothing found)', () => {
    const values = large();
    values.fill(3e38, 5 * DIM, 6 * DIM); // row 5: finite values, Σx² overflows
    const { kernels, calls } = countingNorms();
    expect(firstNonFinite(values, DIM, kernels)).toBe(-1);
    expect(calls()).toBe(1);
  });

  it('scans small inputs in JavaScript and falls back when the kernel declines', () => {
    const { kernels, calls } = countingNorms();
    const small = Float32Array.from([1, 2, Number.NaN, 4]);
    expect(firstNonFinite(small, 2, kernels)).toBe(2);
    expect(calls()).toBe(0);
    const values = large();
    values[12345] = Number.NaN;
    expect(firstNonFinite(values, DIM, { rowSquaredNorms: () => undefined })).toBe(12345);
  });

  it('rejects NaN train and query embeddings of a head with an engine, naming the position', async () => {
    const { kernels, calls } = countingNorms();
    const registry = testRegistry().setEngine({ kind: 'engine', name: 'counting', kernels });
    const head = Imprinter.fromConfig({ gen: 'mean' }, registry);
    const values = large();
    values[DIM * 1500 + 7] = Number.NaN;
    const labels = Array.from({ length: ROWS }, (_, i) => i % 3);
    const error = await head.imprint({ data: values, shape: [ROWS, DIM] }, labels).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImprintError);
    expect((error as ImprintError).code).toBe('NON_FINITE');
    expect((error as ImprintError).message).toMatch(/train embeddings must contain only finite numbers, got NaN at row 1500, column 7/);
    values[DIM * 1500 + 7] = 0;
    await head.imprint({ data: values, shape: [ROWS, DIM] }, labels);
    values[DIM * 2000 + 1] = Number.POSITIVE_INFINITY;
    expect(() => head.predict({ data: values, shape: [ROWS, DIM] })).toThrow(/query embeddings must contain only finite numbers, got Infinity at row 2000, column 1/);
    expect(calls()).toBe(3);
    head.dispose();
  });
});

describe('embeddings that are not a matrix of numbers', () => {
  it('a 3-D array is a rank error naming its shape, not a non-finite value; a string is named as such', () => {
    const cube = [[[1, 0], [0, 1]], [[1, 1], [0, 0]]] as unknown as number[][];
    expect(() => toHostMatrix(cube)).toThrow(/embeddings must have rank 2 \[n, d\], got a deeper array: shape \[2, 2, 2, …\]/);
    expect(() => toHostMatrix([[1, 'x' as unknown as number]])).toThrow(/embeddings must hold numbers, got "x" at row 0, column 1/);
  });
});

