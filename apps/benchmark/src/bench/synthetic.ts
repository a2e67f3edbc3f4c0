import { createRng } from '@imprint/core';

/**
 * Synthetic embeddings shaped like an FM's: `classes` classes of `perClass` rows in `dim`
 * dimensions, each class a mixture of `modes` Gaussian modes around a class centre, non-negative
 * like post-ReLU pooled features. Row-major float32 and labels 0..classes−1.
 */
export function syntheticEmbeddings(classes: number, perClass: number, dim: number, modes = 5, seed = 1): { data: Float32Array; labels: Int32Array } {
  const rng = createRng(seed);
  const data = new Float32Array(classes * perClass * dim);
  const labels = new Int32Array(classes * perClass);
  for (let c = 0; c < classes; c++) {
    const center = Float32Array.from({ length: dim }, () => Math.abs(rng.normal()));
    const modeCenters = Array.from({ length: modes }, () => Float32Array.from(center, (v) => v + 0.5 * rng.normal()));
    for (let i = 0; i < perClass; i++) {
      const row = c * perClass + i;
      const mode = modeCenters[rng.int(modes)];
      for (let j = 0; j < dim; j++) data[row * dim + j] = Math.max(0, mode[j] + rng.normal());
      labels[row] = c;
    }
  }
  return { data, labels };
}

/**
 * Train and test embeddings drawn from the same classes (same class centres and modes): the first
 * `trainPerClass` samples of each class are train, the next `testPerClass` test.
 */
export function syntheticSplit(classes: number, trainPerClass: number, testPerClass: number, dim: number, modes = 5, seed = 1): { train: { data: Float32Array; labels: Int32Array }; test: { data: Float32Array; labels: Int32Array } } {
  const all = syntheticEmbeddings(classes, trainPerClass + testPerClass, dim, modes, seed);
  const per = trainPerClass + testPerClass;
  const pick = (from: number, count: number) => {
    const data = new Float32Array(classes * count * dim);
    const labels = new Int32Array(classes * count);
    for (let c = 0; c < classes; c++) {
      data.set(all.data.subarray((c * per + from) * dim, (c * per + from + count) * dim), c * count * dim);
      labels.fill(c, c * count, (c + 1) * count);
    }
    return { data, labels };
  };
  return { train: pick(0, trainPerClass), test: pick(trainPerClass, testPerClass) };
}
