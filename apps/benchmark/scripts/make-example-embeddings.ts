/**
 * Writes apps/benchmark/fixtures/example-{train,test}.h5 (reference HDF5 layout) from the parity
 * fixture, the small embedded example that `imprint-bench run` uses in the README quick start.
 * Run from apps/benchmark: node --conditions=@imprint/source --import tsx scripts/make-example-embeddings.ts
 */
import { readFile } from 'node:fs/promises';
import { writeHdf5Embeddings } from '@imprint/eval';

interface Split {
  embeddings: number[][];
  labels: number[];
}

const fixture = JSON.parse(await readFile(new URL('../../../packages/eval/src/__tests__/fixtures/parity.json', import.meta.url), 'utf8')) as { train: Split; test: Split };
for (const [name, split] of Object.entries({ train: fixture.train, test: fixture.test })) {
  const path = new URL(`../fixtures/example-${name}.h5`, import.meta.url).pathname;
  await writeHdf5Embeddings(path, {
    embeddings: Float32Array.from(split.embeddings.flat()),
    shape: [split.embeddings.length, split.embeddings[0].length],
    labels: Int32Array.from(split.labels),
  });
  console.log(`wrote ${path}`);
}
