import { importKMeansPool, isNode } from './node-only.js';

/**
 * Stop the k-means worker threads started by `kmeans({ workers })` (they never keep the process
 * alive, but a long-lived process may want them gone). Loads nothing when no pool was started.
 */
export async function closeKMeansPools(): Promise<void> {
  if (!isNode()) return;
  const { closeKMeansPools: close } = await importKMeansPool();
  await close();
}
