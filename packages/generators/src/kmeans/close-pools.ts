/**
 * Stop the k-means worker threads started by `kmeans({ workers })` (they never keep the process
 * alive, but a long-lived process may want them gone). Loads nothing when no pool was started.
 */
export async function closeKMeansPools(): Promise<void> {
  if (typeof process === 'undefined' || process.versions?.node === undefined) return;
  const { closeKMeansPools: close } = await import('./pool.js');
  await close();
}
