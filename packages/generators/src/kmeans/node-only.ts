import { ImprintError } from '@imprint/core';
import type * as Pool from './pool.js';

/** True in Node.js (worker threads available), false in browsers and other runtimes. */
export function isNode(): boolean {
  return typeof process !== 'undefined' && process.versions?.node !== undefined;
}

/**
 * The k-means worker-thread pool, imported only in Node. The specifier is a variable so that
 * bundlers for browsers (Vite, webpack, esbuild) do not pull the Node-only module into a page.
 */
export async function importKMeansPool(): Promise<typeof Pool> {
  if (!isNode()) throw new ImprintError('UNSUPPORTED', 'kmeans({ workers > 1 }) needs Node.js worker threads; use workers: 1 (the default) in browsers');
  const specifier = './pool.js';
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as typeof Pool;
}
