import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, ImprintError } from '@imprint/core';
import { loadEmbeddedBackbone, writeEmbeddedModelFiles } from '../index.js';
import { loadEmbeddedBackboneFromUrl } from '../browser.js';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every module that `browser.ts` reaches through relative imports. */
function reachable(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const match of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)\.js'/gm)) reachable(join(dirname(file), `${match[1]}.ts`), seen);
  return seen;
}

/** A `fetch` that serves files from one folder under the URL prefix `/models/`. */
function folderFetch(folder: string): typeof fetch {
  return (async (input: string | URL | Request) => {
    const path = String(input).replace(/^.*\/models\//, '');
    try {
      return new Response(await readFile(join(folder, path)), { status: 200 });
    } catch {
      return new Response('not found', { status: 404, statusText: 'Not Found' });
    }
  }) as typeof fetch;
}

describe('@imprint/backbones/browser', () => {
  it('reaches no Node module', () => {
    const files = [...reachable(join(src, 'browser.ts'))];
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toMatch(/from 'node:|require\(/);
  });

  it('an embedded FM written as model files and loaded from a URL embeds exactly as the one from the package', async () => {
    const folder = join(await mkdtemp(join(tmpdir(), 'imprint-model-files-')), 'mobilenet_v2_140');
    const modelJson = await writeEmbeddedModelFiles('mobilenet_v2_140', folder);
    expect((await readdir(folder)).sort()).toEqual(['model.json', 'weights.bin']);
    expect(modelJson).toBe(join(folder, 'model.json'));
    const fromUrl = await loadEmbeddedBackboneFromUrl('mobilenet_v2_140', 'http://localhost/models/model.json', { inputSize: 96, fetch: folderFetch(folder) });
    const fromPackage = await loadEmbeddedBackbone('mobilenet_v2_140', { inputSize: 96 });
    const rng = createRng(3);
    const images = tf.tensor4d(Float32Array.from({ length: 2 * 28 * 28 }, () => rng.next()), [2, 28, 28, 1]);
    const [a, b] = [await fromUrl.embed(images), await fromPackage.embed(images)];
    expect(a.shape).toEqual([2, 1792]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    [a, b, images].forEach((t) => t.dispose());
    fromUrl.dispose();
    fromPackage.dispose();
  });

  it('a URL that serves nothing fails with BAD_FILE naming it', async () => {
    const error = await loadEmbeddedBackboneFromUrl('mobilenet_v2_140', 'http://localhost/models/missing.json', { fetch: folderFetch(tmpdir()) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImprintError);
    expect((error as ImprintError).code).toBe('BAD_FILE');
    expect((error as Error).message).toContain('http://localhost/models/missing.json');
  });
});
