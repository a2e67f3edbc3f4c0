import { cloneTensor, type ClassGenerator } from '@imprint/core';

/** GEN `all`: every sample of the class is a proxy (with `max`: 1-nn under the inner product). */
export function all(): ClassGenerator {
  return { kind: 'generator', name: 'all', scope: 'class', deterministic: true, extend: 'rows', generate: (embeddings) => cloneTensor(embeddings) };
}
