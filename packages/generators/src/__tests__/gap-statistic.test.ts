import { describe, expect, it } from 'vitest';
import { createRng } from '@imprint/core';
import { syntheticClasses } from '@imprint/core/testing';
import { gapStatisticTrace } from '../index.js';

/** `modes` well-separated Gaussian blobs in `dim` dimensions (`perMode` rows each). */
const blobs = (modes: number, perMode: number, dim: number, seed: number): Float32Array => syntheticClasses(modes, perMode, dim, seed).data;

/** One anisotropic Gaussian (variances falling from 25 to 1): a single mode that is not round. */
function elongated(rows: number, dim: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) out[r * dim + j] = rng.normal() * (5 - (4 * j) / dim);
  return out;
}

describe("k selector 'gap' (gap statistic against a Gaussian with the class's covariance)", () => {
  it('finds the number of modes of a multi-modal class', () => {
    for (const modes of [1, 2, 3, 5]) {
      const trace = gapStatisticTrace(blobs(modes, 60, 16, modes), modes * 60, 16, 20, createRng(1));
      expect(trace.chosen, `modes ${modes}: gaps ${trace.gap.map((g) => g.toFixed(2)).join(' ')}`).toBe(modes);
    }
  });

  it('gives one proxy to a single elongated Gaussian, never more than kMax', () => {
    expect(gapStatisticTrace(elongated(300, 32, 4), 300, 32, 20, createRng(2)).chosen).toBe(1);
    expect(gapStatisticTrace(blobs(8, 30, 16, 9), 240, 16, 4, createRng(3)).chosen).toBeLessThanOrEqual(4);
  });
});
