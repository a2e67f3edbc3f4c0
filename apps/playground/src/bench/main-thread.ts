/**
 * `pnpm --filter @imprint/playground bench:main-thread`: the page thread's longest task while the
 * playground embeds and imprints 100 MNIST digits into one class — everything on the page's thread
 * (`?worker=0`) beside embedding and imprinting in the Web Worker — on this machine and with the
 * page's CPU slowed 4× (Chrome DevTools' CPU throttling: a slower device). Tasks are read from a
 * Chromium performance trace (`RunTask` on the renderer's main thread), not the Long Tasks API:
 * in headless Chromium that reported 1 of the 101 tasks over 50 ms the trace shows. Each
 * measurement runs in a browser context of its own. Builds nothing: run
 * `pnpm nx build @imprint/playground` first. Measures and prints; asserts nothing.
 */
import { cpus } from 'node:os';
import { chromium } from 'playwright-core';
import { builtApp, digitPng, findChromium, mnistTestDigits, serveFolder } from '../__tests__/harness.js';

const IMAGES = 100;

/** Tasks of the renderers' main threads in a Chromium trace: the longest (ms) and how many ran over 50 ms. */
function mainThreadTasks(trace: Buffer): { longestMs: number; over50: number; tasks: number } {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents: { ph?: string; name?: string; pid: number; tid: number; dur?: number; args?: { name?: string } }[] };
  const mains = new Set(parsed.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const durations = parsed.traceEvents.filter((e) => e.ph === 'X' && e.name === 'RunTask' && mains.has(`${e.pid}:${e.tid}`)).map((e) => (e.dur ?? 0) / 1000);
  return { longestMs: Math.max(0, ...durations), over50: durations.filter((d) => d > 50).length, tasks: durations.length };
}

const found = findChromium();
if (found.path === undefined) throw new Error(found.reason);
const server = await serveFolder(builtApp());
const { pixels } = mnistTestDigits(IMAGES);
const encoded = Array.from({ length: IMAGES }, (_, i) => digitPng(pixels.subarray(i * 784, (i + 1) * 784)).toString('base64'));
const browser = await chromium.launch({ executablePath: found.path, args: ['--no-sandbox'] });
process.stdout.write(`playground in headless Chromium (${await browser.version()}), ${cpus().length} cores, mobilenet_v2_140 at 224, qi2018, ${IMAGES} digits into one class\n`);
for (const throttle of [1, 4]) {
  for (const [label, query] of [['the page thread', '?worker=0'], ['a Web Worker', '']] as const) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}${query}`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 300_000 });
    await page.fill('[data-testid=new-class-name]', 'many');
    await page.click('[data-testid=add-class]');
    // the files are made in the page first (the harness's work); then the app's work is measured
    await page.evaluate((data) => {
      (window as unknown as { benchFiles: File[] }).benchFiles = data.map((base64, i) => new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], `d${i}.png`, { type: 'image/png' }));
    }, encoded);
    const cdp = throttle === 1 ? undefined : await context.newCDPSession(page);
    await cdp?.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    await page.evaluate(() => new Promise((done) => setTimeout(done, 200)));
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    const began = Date.now();
    await page.evaluate(() => window.imprintPlayground.addFiles('many', (window as unknown as { benchFiles: File[] }).benchFiles));
    const seconds = (Date.now() - began) / 1000;
    await page.evaluate(() => new Promise((done) => setTimeout(done, 500))); // the thumbnails drawn after imprinting
    const tasks = mainThreadTasks(await browser.stopTracing());
    await cdp?.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    const stats = await page.evaluate(() => window.imprintPlayground.stats);
    process.stdout.write(
      `  CPU ${throttle}× slowed, embedding and imprinting in ${label.padEnd(15)}: longest main-thread task ${tasks.longestMs.toFixed(0).padStart(4)} ms, ${String(tasks.over50).padStart(3)} of ${tasks.tasks} tasks over 50 ms; ${seconds.toFixed(1)} s for ${IMAGES} images (imprint ${stats.lastImprintMs.toFixed(0)} ms) — embedding in ${stats.embedIn}, imprinting in ${stats.imprintIn}\n`,
    );
    await context.close();
  }
}
await browser.close();
await server.close();
