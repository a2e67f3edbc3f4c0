import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { ImprintError } from '@imprint/core';

import type { NsfwjsModelName } from './nsfwjs-model-name.js';

export type { NsfwjsModelName } from './nsfwjs-model-name.js';

const SHARDS: Record<NsfwjsModelName, number> = { mobilenet_v2_mid: 2, mobilenet_v2: 1, inception_v3: 6 };

interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Folder of the installed nsfwjs package (its `exports` map hides the model files). */
export function nsfwjsDirectory(): string {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve('nsfwjs');
  } catch {
    throw new ImprintError('UNSUPPORTED', 'the embedded foundation models need the nsfwjs package (npm install nsfwjs@4)');
  }
  // entry: <package>/dist/cjs/index.js
  return dirname(dirname(dirname(entry)));
}

/** The version of the installed nsfwjs package (part of cache keys of what is built from its weights). */
export function nsfwjsVersion(): string {
  const require = createRequire(import.meta.url);
  return (require(join(nsfwjsDirectory(), 'package.json')) as { version: string }).version;
}

/**
 * The model artifacts of one nsfwjs model, decoded offline from the package's base64 JS modules
 * (`model.min.js` holds model.json; each `group1-shardNofM.min.js` a base64 weight shard), ready
 * for `tf.io.fromMemory`.
 */
export function nsfwjsModelArtifacts(name: NsfwjsModelName): tf.io.ModelArtifacts {
  const folder = join(nsfwjsDirectory(), 'dist', 'models', name);
  const require = createRequire(import.meta.url);
  const model = require(join(folder, 'model.min.js')) as ModelJson;
  const count = SHARDS[name];
  const buffers: Uint8Array[] = [];
  for (let i = 1; i <= count; i++) {
    const base64 = require(join(folder, `group1-shard${i}of${count}.min.js`)) as string;
    buffers.push(Buffer.from(base64, 'base64'));
  }
  const total = buffers.reduce((n, b) => n + b.length, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.length;
  }
  return {
    modelTopology: model.modelTopology,
    format: model.format,
    generatedBy: model.generatedBy,
    convertedBy: model.convertedBy,
    weightSpecs: model.weightsManifest.flatMap((group) => group.weights),
    weightData: weightData.buffer,
  };
}
