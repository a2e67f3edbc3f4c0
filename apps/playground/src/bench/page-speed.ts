/**
 * `pnpm --filter @imprint/playground bench`: the playground's speed in headless Chromium — time
 * from navigation to the first prediction (the model loaded, two classes of one example each,
 * one query), and embeddings per second over 20 digits — for each tf.js backend. Builds nothing:
 * run `pnpm nx build @imprint/playground` first. Measures and prints; asserts nothing.
 */
import { cpus } from 'node:os';
import { chromium } from 'playwright-core';
import { builtApp, digitPng, findChromium, mnistTestDigits, serveFolder } from '../__tests__/harness.js';

const IMAGES = 20;
const found = findChromium();
if (found.path === undefined) throw new Error(found.reason);
const server = await serveFolder(builtApp());
const { pixels } = mnistTestDigits(IMAGES + 3);
const png = (i: number) => ({ name: `${i}.png`, mimeType: 'image/png', buffer: digitPng(pixels.subarray(i * 784, (i + 1) * 784)) });
const browser = await chromium.launch({ executablePath: found.path, args: ['--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--no-sandbox'] });
process.stdout.write(`playground in headless Chromium (${(await browser.version())}), ${cpus().length} cores, mobilenet_v2_140 at 224\n`);
for (const backend of ['webgl', 'wasm']) {
  const page = await browser.newPage();
  await page.goto(`${server.url}?backend=${backend}`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 300_000 });
  for (const [i, name] of ['a', 'b'].entries()) {
    await page.fill('[data-testid=new-class-name]', name);
    await page.click('[data-testid=add-class]');
    await page.setInputFiles(`[data-testid=files-${name}]`, [png(i)]);
    await page.waitForFunction((n) => document.querySelector(`[data-testid=meta-${n}]`)?.textContent?.startsWith('1 examples'), name);
  }
  await page.setInputFiles('[data-testid=test-file]', [png(2)]);
  await page.waitForSelector('[data-testid=predicted]');
  const first = await page.evaluate(() => ({ ...window.imprintPlayground.stats, now: performance.now() }));
  await page.setInputFiles('[data-testid=files-a]', Array.from({ length: IMAGES }, (_, i) => png(i + 3)));
  await page.waitForFunction((n) => document.querySelector('[data-testid=meta-a]')?.textContent?.startsWith(`${n} examples`), IMAGES + 1, { timeout: 600_000 });
  const after = await page.evaluate(() => window.imprintPlayground.stats);
  const rate = (1000 * (after.embedded - first.embedded)) / (after.embedMs - first.embedMs);
  process.stdout.write(
    `  ${after.backend.padEnd(6)} model loaded + warmed up ${(first.modelLoadMs / 1000).toFixed(1)} s; first prediction ${(first.now / 1000).toFixed(1)} s after navigation (3 images embedded); ${rate.toFixed(2)} embeddings/s over ${IMAGES} images\n`,
  );
  await page.close();
}
await browser.close();
await server.close();
