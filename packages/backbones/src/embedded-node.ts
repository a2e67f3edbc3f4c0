import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backbone } from '@imprint/core';
import { embeddedBackboneFromArtifacts, embeddedBackboneSpec, type EmbeddedBackboneName, type EmbeddedBackboneOptions } from './embedded.js';
import { nsfwjsModelArtifacts } from './nsfwjs-weights.js';

/**
 * Load one of the embedded foundation models as a {@link Backbone} (Node). Weights come from the
 * installed `nsfwjs` package — nothing is downloaded. `embed` takes images `[b, h, w, 1 | 3]` in
 * [0, 1] and returns pooled features `[b, dim]`.
 */
export async function loadEmbeddedBackbone(name: EmbeddedBackboneName, options: EmbeddedBackboneOptions = {}): Promise<Backbone> {
  return embeddedBackboneFromArtifacts(name, nsfwjsModelArtifacts(embeddedBackboneSpec(name).model), options);
}

/**
 * Write an embedded foundation model as files a web app serves — `model.json` and `weights.bin`
 * in `folder` — for `loadEmbeddedBackboneFromUrl` in the browser (build time, e.g. from a Vite
 * plugin; the weights come from the installed `nsfwjs` package, no CDN). Written atomically:
 * into a temporary folder, then renamed. Returns the path of `model.json`.
 */
export async function writeEmbeddedModelFiles(name: EmbeddedBackboneName, folder: string): Promise<string> {
  const artifacts = nsfwjsModelArtifacts(embeddedBackboneSpec(name).model);
  const temporary = `${folder}.tmp-${process.pid}`;
  await rm(temporary, { recursive: true, force: true });
  await mkdir(temporary, { recursive: true });
  const modelJson = {
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
  };
  await writeFile(join(temporary, 'model.json'), JSON.stringify(modelJson));
  await writeFile(join(temporary, 'weights.bin'), new Uint8Array(artifacts.weightData as ArrayBuffer));
  await rm(folder, { recursive: true, force: true });
  await rename(temporary, folder);
  return join(folder, 'model.json');
}
