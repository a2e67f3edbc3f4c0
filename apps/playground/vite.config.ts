import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { writeEmbeddedModelFiles } from '@imprint/backbones';

/**
 * Serve the embedded foundation model from the installed `nsfwjs` package: written once as
 * `public/models/mobilenet_v2_140/{model.json, weights.bin}` before the dev server or the build
 * starts, so the page fetches it from its own origin (no CDN; works offline).
 */
function embeddedModelFiles(): Plugin {
  return {
    name: 'imprint-embedded-model-files',
    async configResolved(config) {
      const folder = join(config.publicDir, 'models', 'mobilenet_v2_140');
      if (!existsSync(join(folder, 'weights.bin'))) await writeEmbeddedModelFiles('mobilenet_v2_140', folder);
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [embeddedModelFiles()],
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  worker: { format: 'es' },
});
