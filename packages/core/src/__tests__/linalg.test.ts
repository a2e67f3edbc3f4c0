import { describe, expect, it } from 'vitest';
import { ImprintError, choleskyFactor, matMulTransposed64Js, solveSymmetricPositiveDefinite, type Kernels } from '../index.js';
import { createRng } from '../util/rng.js';

/** A symmetric positive definite `n × n` matrix: BᵀB/n + ridge·I for a random B. */
function spd(n: number, seed: number, ridge = 0.05): Float64Array {
  const rng = createRng(seed);
  const b = Float64Array.from({ length: 2 * n * n }, () => rng.next() - 0.5);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let r = 0; r < 2 * n; r++) sum += b[r * n + i] * b[r * n + j];
      a[i * n + j] = a[j * n + i] = sum / n + (i === j ? ridge : 0);
    }
  }
  return a;
}

// The blocked path runs whenever the engine has a float64 product; here the plain-JavaScript one.
const blocked: Kernels = { matMulTransposed64: matMulTransposed64Js };

describe('Cholesky factorisation and SPD solve', () => {
  it.each([1, 95, 96, 97, 250])('blocked (through the engine product) and one-piece factors agree, L·Lᵀ = A (n = %i)', (n) => {
    const a = spd(n, n);
    const whole = choleskyFactor(a, n);
    const panels = choleskyFactor(a, n, blocked);
    let worst = 0;
    for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(whole[i] - panels[i]));
    expect(worst).toBeLessThan(1e-10);
    let residual = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = 0;
        for (let k = 0; k <= j; k++) sum += panels[i * n + k] * panels[j * n + k];
        residual = Math.max(residual, Math.abs(sum - a[i * n + j]));
      }
      for (let j = i + 1; j < n; j++) expect(panels[i * n + j]).toBe(0);
    }
    expect(residual).toBeLessThan(1e-10);
  });

  it('solves A·X = B for several columns', () => {
    const n = 200;
    const a = spd(n, 3);
    const rng = createRng(4);
    const b = Float64Array.from({ length: n * 3 }, () => rng.next());
    const x = solveSymmetricPositiveDefinite(a, n, b, 3, blocked);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += a[i * n + k] * x[k * 3 + c];
        worst = Math.max(worst, Math.abs(sum - b[i * 3 + c]));
      }
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it('names the failing pivot of a matrix that is not positive definite, on both paths', () => {
    const n = 150;
    const a = spd(n, 5);
    a[120 * n + 120] = -1;
    for (const kernels of [{}, blocked]) {
      expect(() => choleskyFactor(a, n, kernels, 'the test matrix')).toThrow(ImprintError);
      expect(() => choleskyFactor(a, n, kernels, 'the test matrix')).toThrow(/the test matrix is not positive definite \(pivot 120 is/);
    }
  });
});
