import * as tf from '@tensorflow/tfjs-core';
import { cloneTensor, ImprintError, type Presampler } from '@imprint/core';

export interface WeibullFit {
  readonly shape: number;
  readonly scale: number;
}

/**
 * Maximum-likelihood fit of a two-parameter Weibull distribution to positive values: the shape k
 * solves Σxᵏ ln x / Σxᵏ − 1/k − mean(ln x) = 0 (monotone in k, solved by bisection on ln k), the
 * scale is (mean xᵏ)^(1/k). Values ≤ 0 are ignored.
 */
export function fitWeibull(values: ArrayLike<number>): WeibullFit {
  const positive = Array.from(values).filter((v) => v > 0);
  if (positive.length < 2) throw new ImprintError('INVALID_INPUT', `a Weibull fit needs at least 2 positive values, got ${positive.length}`);
  const largest = Math.max(...positive);
  const scaled = positive.map((v) => v / largest); // scale invariance keeps xᵏ in range
  const logs = scaled.map(Math.log);
  const meanLog = logs.reduce((a, b) => a + b, 0) / logs.length;
  const equation = (k: number) => {
    let weighted = 0;
    let total = 0;
    for (let i = 0; i < scaled.length; i++) {
      const p = Math.exp(k * logs[i]);
      weighted += p * logs[i];
      total += p;
    }
    return weighted / total - 1 / k - meanLog;
  };
  let low = Math.log(1e-3);
  let high = Math.log(1e3);
  if (equation(Math.exp(high)) < 0) low = high; // (near-)constant values: the shape is huge
  for (let i = 0; i < 200 && high - low > 1e-12; i++) {
    const mid = (low + high) / 2;
    if (equation(Math.exp(mid)) < 0) low = mid;
    else high = mid;
  }
  const shape = Math.exp((low + high) / 2);
  const meanPower = scaled.reduce((sum, v) => sum + v ** shape, 0) / scaled.length;
  return { shape, scale: largest * meanPower ** (1 / shape) };
}

/** Quantile function of a Weibull distribution. */
export function weibullQuantile({ shape, scale }: WeibullFit, p: number): number {
  return scale * (-Math.log(1 - p)) ** (1 / shape);
}

export interface WeibullFilterOptions {
  /** Lower quantile of the fitted distance distribution to keep. @default 0.05 */
  lower?: number;
  /** Upper quantile to keep. @default 0.95 */
  upper?: number;
}

/**
 * Presampling `weibull`: fit a Weibull distribution to the Euclidean distances of a class's
 * samples from the class mean and keep the samples whose distance lies between the fitted
 * `lower` and `upper` quantiles (an outlier filter).
 */
export function weibullFilter({ lower = 0.05, upper = 0.95 }: WeibullFilterOptions = {}): Presampler {
  if (!(lower >= 0 && upper <= 1 && lower < upper)) {
    throw new ImprintError('INVALID_CONFIG', `prefilterQuantiles must satisfy 0 ≤ lower < upper ≤ 1, got [${lower}, ${upper}]`);
  }
  return {
    kind: 'presampler',
    name: 'weibull',
    select(embeddings) {
      if (embeddings.shape[0] < 3) return cloneTensor(embeddings);
      const distancesTensor = tf.tidy(() => tf.norm(tf.sub(embeddings, tf.mean(embeddings, 0, true)), 'euclidean', 1));
      const distances = distancesTensor.dataSync();
      distancesTensor.dispose();
      const fit = fitWeibull(distances);
      const low = lower === 0 ? 0 : weibullQuantile(fit, lower);
      const high = upper === 1 ? Number.POSITIVE_INFINITY : weibullQuantile(fit, upper);
      const kept: number[] = [];
      for (let i = 0; i < distances.length; i++) if (distances[i] >= low && distances[i] <= high) kept.push(i);
      return tf.tidy(() => tf.gather(embeddings, tf.tensor1d(kept, 'int32')) as tf.Tensor2D);
    },
  };
}
