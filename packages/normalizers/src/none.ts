import { cloneTensor, type Normalizer } from '@imprint/core';

/** NORM `none`: leaves values as they are (returns a copy). Usable at every stage. */
export function none(): Normalizer {
  return { kind: 'normalizer', name: 'none', stages: ['pre', 'post', 'inf'], rowWise: true, normalize: (matrix) => cloneTensor(matrix) };
}
