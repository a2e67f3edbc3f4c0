import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as tf from '@tensorflow/tfjs-core';
import { Imprinter, deserializeImprinter, serializeImprinter } from '@imprint/core';
import { GraphBuilder, onnxModel } from '@imprint/onnx';
import { playgroundRegistry } from '../registry.js';
import { appRoot, builtApp, digitPng, findChromium, mnistTestDigits, serveFolder } from './harness.js';

const chromiumFound = findChromium();
if (chromiumFound.path === undefined) process.stderr.write(`playground browser tests SKIPPED: ${chromiumFound.reason}\n`);

const NAMES = ['zero', 'one', 'two'];
const TRAIN_PER_CLASS = 5;
const HELD_BACK_PER_CLASS = 2;

/** Train and held-back PNG digits of the classes 0, 1, 2 (first ones in the MNIST test split). */
function digits(): { train: Buffer[][]; heldBack: { png: Buffer; label: string }[] } {
  const { pixels, labels } = mnistTestDigits(200);
  const train: Buffer[][] = NAMES.map(() => []);
  const heldBack: { png: Buffer; label: string }[] = [];
  const held = NAMES.map(() => 0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c >= NAMES.length) continue;
    const png = digitPng(pixels.subarray(i * 784, (i + 1) * 784));
    if (train[c].length < TRAIN_PER_CLASS) train[c].push(png);
    else if (held[c] < HELD_BACK_PER_CLASS) {
      heldBack.push({ png, label: NAMES[c] });
      held[c]++;
    }
  }
  return { train, heldBack };
}

/** Send one PNG through the page's test-image input; returns the query's embedding. */
async function queryPng(page: Page, png: Buffer): Promise<number[]> {
  const before = await page.evaluate(() => window.imprintPlayground.stats.queries);
  await page.setInputFiles('[data-testid=test-file]', { name: 'query.png', mimeType: 'image/png', buffer: png });
  await page.waitForFunction((n) => window.imprintPlayground.stats.queries > n, before);
  return (await page.evaluate(() => window.imprintPlayground.lastQuery()))!;
}

/** Predict one PNG through the page; returns the label shown and the query embedding. */
async function predictPng(page: Page, png: Buffer): Promise<{ label: string; query: number[] }> {
  const query = await queryPng(page, png);
  const label = (await page.textContent('[data-testid=predicted]'))!.trim();
  expect(label).toBe((await page.evaluate(() => window.imprintPlayground.lastPrediction()))?.label);
  return { label, query };
}

async function scoresShown(page: Page): Promise<number[]> {
  return page.$$eval('[data-testid^=score-]', (rows) => rows.map((row) => Number((row as HTMLElement).dataset.score)));
}

async function choose(page: Page, testid: string, value: string): Promise<void> {
  await page.selectOption(`[data-testid=${testid}]`, value);
  await page.waitForFunction(([id, v]) => (document.querySelector(`[data-testid=${id}]`) as HTMLSelectElement | null)?.value === v, [testid, value] as const);
}

describe.skipIf(chromiumFound.path === undefined)('the playground in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: Awaited<ReturnType<typeof serveFolder>>;
  const { train, heldBack } = digits();
  const registry = playgroundRegistry();

  beforeAll(async () => {
    server = await serveFolder(builtApp());
    browser = await chromium.launch({
      executablePath: chromiumFound.path!,
      args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--no-sandbox'],
    });
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 1300 } });
    await context.grantPermissions(['camera']);
    page = await context.newPage();
    page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready=true]', { timeout: 240_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('starts tf.js — WASM where WebGL is software-rendered (headless Chromium) — and says which and why', async () => {
    const { backend, backendReason } = await page.evaluate(() => window.imprintPlayground.stats);
    expect(backend).toBe('wasm');
    expect(backendReason).toMatch(/software-rendered|no WebGL/);
    expect(await page.textContent('[data-testid=status]')).toContain(`backend wasm (${backendReason})`);
  });

  it('runs on WebGL when asked (?backend=webgl) and predicts as on WASM', async () => {
    const webgl = await page.context().newPage();
    await webgl.goto(`${server.url}?backend=webgl`);
    await webgl.waitForSelector('body[data-ready=true]', { timeout: 240_000 });
    expect(await webgl.evaluate(() => window.imprintPlayground.stats.backend)).toBe('webgl');
    for (const [c, name] of NAMES.entries()) {
      await webgl.fill('[data-testid=new-class-name]', name);
      await webgl.click('[data-testid=add-class]');
      await webgl.setInputFiles(`[data-testid=files-${name}]`, train[c].slice(0, 2).map((buffer, i) => ({ name: `${name}-${i}.png`, mimeType: 'image/png', buffer })));
      await webgl.waitForFunction((n) => document.querySelector(`[data-testid=meta-${n}]`)?.textContent?.startsWith('2 examples'), name);
    }
    const { query } = await predictPng(webgl, heldBack[0].png);
    // The same image embedded on WASM (a page of its own) gives the same features up to float rounding.
    const wasm = await page.context().newPage();
    await wasm.goto(`${server.url}?backend=wasm`);
    await wasm.waitForSelector('body[data-ready=true]', { timeout: 240_000 });
    const reference = await queryPng(wasm, heldBack[0].png);
    let difference = 0;
    let norm = 0;
    for (let i = 0; i < query.length; i++) {
      difference += (query[i] - reference[i]) ** 2;
      norm += reference[i] ** 2;
    }
    expect(Math.sqrt(difference / norm)).toBeLessThan(1e-2);
    await Promise.all([webgl.close(), wasm.close()]);
  });

  it('creates classes from PNG files, imprints with two presets, predicts held-back digits as a head in Node does', async () => {
    for (const [c, name] of NAMES.entries()) {
      await page.fill('[data-testid=new-class-name]', name);
      await page.click('[data-testid=add-class]');
      await page.setInputFiles(`[data-testid=files-${name}]`, train[c].map((buffer, i) => ({ name: `${name}-${i}.png`, mimeType: 'image/png', buffer })));
      await page.waitForFunction(([n, count]) => document.querySelector(`[data-testid=meta-${n}]`)?.textContent?.startsWith(`${count} examples`), [name, TRAIN_PER_CLASS] as const);
    }
    expect(await page.textContent('[data-testid=meta-zero]')).toBe(`${TRAIN_PER_CLASS} examples · 1 proxies stored`);

    for (const preset of ['qi2018', 'imprintKmeans']) {
      await choose(page, 'preset', preset);
      const predicted: { label: string; query: number[] }[] = [];
      for (const { png } of heldBack) predicted.push(await predictPng(page, png));
      const correct = predicted.filter((p, i) => p.label === heldBack[i].label).length;
      expect(correct, `${preset}: ${predicted.map((p) => p.label).join(', ')}`).toBeGreaterThanOrEqual(heldBack.length - 1);

      // The head the page downloads predicts, in Node, the labels the page showed.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=save]')]);
      const bytes = new Uint8Array(await readFile((await download.path())!));
      const head = deserializeImprinter(bytes, registry, 'the page’s head');
      expect(head.config.gen).toBe(preset === 'qi2018' ? 'mean' : 'kmeans');
      expect(head.predict(predicted.map((p) => p.query)).map(String)).toEqual(predicted.map((p) => p.label));
      if (preset === 'imprintKmeans') expect(head.proxyCounts).toEqual([TRAIN_PER_CLASS, TRAIN_PER_CLASS, TRAIN_PER_CLASS]); // k = 20 > 5 samples: every sample
      head.dispose();
    }
  });

  it('switching AGG changes the scores; the centered-l2 plugin is selectable', async () => {
    await choose(page, 'preset', 'qi2018');
    const before = await scoresShown(page);
    await choose(page, 'field-agg', 'mnn');
    await page.waitForFunction(() => document.querySelector('[data-testid=preset]') !== null);
    const after = await scoresShown(page);
    expect(after).toHaveLength(3);
    expect(after).not.toEqual(before);
    // mnn, m = 5, uniform: the scores are votes of the nearest proxies — 3 here, as Qi stores one
    // proxy per class and m is clipped to the number of proxies
    expect(after.reduce((a, b) => a + b, 0)).toBe(3);

    await choose(page, 'field-normPost', 'centered-l2');
    expect(await page.textContent('[data-testid=method-error]')).toBe('');
    const { label } = await predictPng(page, heldBack[0].png);
    expect(NAMES).toContain(label);

    // A plugin's own options get controls from their declarations (examples/gaussian-mixture).
    await choose(page, 'field-gen', 'gmm');
    await choose(page, 'field-covariance', 'spherical');
    expect(await page.textContent('[data-testid=method-error]')).toBe('');
    expect(await page.inputValue('[data-testid=field-iterations]')).toBe('20');
    expect(NAMES).toContain((await predictPng(page, heldBack[0].png)).label);
  });

  it('a head saved in Node loads in the page and predicts what Node predicts', async () => {
    // Node imprints its own head (Janson: nearest class mean, Euclidean) from the page's examples.
    const examples = await page.evaluate(() => window.imprintPlayground.session.classes.map((c) => ({ name: c.name, rows: c.examples.map((e) => Array.from(e)) })));
    const head = Imprinter.fromConfig({ preset: 'janson2022' }, registry);
    await head.imprint(examples.flatMap((c) => c.rows), examples.flatMap((c) => c.rows.map(() => c.name)));
    const bytes = serializeImprinter(head);
    await page.setInputFiles('[data-testid=load]', { name: 'node.imprint', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
    await page.waitForFunction(() => window.imprintPlayground.session.loaded);
    expect(await page.inputValue('[data-testid=field-metric]')).toBe('euclidean');
    for (const { png } of heldBack) {
      const { label, query } = await predictPng(page, png);
      expect(label).toBe(String(head.predict([query])[0]));
    }
    head.dispose();
  });

  it('compares the five Table-1 methods by leave-one-out accuracy', async () => {
    // Re-imprint from the page's examples (loading a head dropped them): add them again.
    for (const [c, name] of NAMES.entries()) {
      await page.setInputFiles(`[data-testid=files-${name}]`, train[c].map((buffer, i) => ({ name: `${name}-${i}.png`, mimeType: 'image/png', buffer })));
      await page.waitForFunction(([n, count]) => document.querySelector(`[data-testid=meta-${n}]`)?.textContent?.startsWith(`${count} examples`), [name, TRAIN_PER_CLASS] as const);
    }
    await page.click('[data-testid=compare]');
    await page.waitForSelector('[data-testid=loo-leastSquaresOracle]', { timeout: 120_000 });
    const rows = await page.$$eval('[data-testid^=loo-]', (trs) => trs.map((tr) => tr.textContent ?? ''));
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(row).toMatch(/\d+\.\d % of 15$/);
  });

  it('adds a webcam frame (fake camera) and a drawing, predicts live, and keeps tf.js memory flat', async () => {
    await page.click('[data-testid=webcam-toggle]');
    await page.waitForFunction(() => (document.querySelector('[data-testid=webcam]') as HTMLVideoElement).readyState >= 2, undefined, { timeout: 30_000 });
    await page.click('[data-testid=add-webcam-two]');
    await page.waitForFunction(() => document.querySelector('[data-testid=meta-two]')?.textContent?.startsWith('6 examples'));
    const embeddedBefore = await page.evaluate(() => window.imprintPlayground.stats.embedded);
    await page.check('[data-testid=webcam-live]');
    await page.waitForFunction((n) => window.imprintPlayground.stats.embedded >= n + 2, embeddedBefore, { timeout: 60_000 });
    await page.uncheck('[data-testid=webcam-live]');
    await page.click('[data-testid=webcam-toggle]');

    const box = (await page.locator('[data-testid=drawing]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height - 20, { steps: 10 });
    await page.mouse.up();
    await page.click('[data-testid=add-drawing-one]');
    await page.waitForFunction(() => document.querySelector('[data-testid=meta-one]')?.textContent?.startsWith('6 examples'));

    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      await predictPng(page, heldBack[i].png);
      counts.push(await page.evaluate(() => window.imprintPlayground.numTensors()));
    }
    expect(counts[2]).toBe(counts[1]);
    // The README's screenshot: IMPRINT_UPDATE_SCREENSHOT=1 writes it into the app folder.
    const shot = process.env.IMPRINT_UPDATE_SCREENSHOT === '1' ? join(appRoot, 'screenshot.png') : join(tmpdir(), 'imprint-playground.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect((await readFile(shot)).subarray(1, 4).toString()).toBe('PNG');
    const stats = await page.evaluate(() => window.imprintPlayground.stats);
    process.stdout.write(
      `playground (${stats.backend}): model loaded and warmed up in ${(stats.modelLoadMs / 1000).toFixed(1)} s, first prediction ${((stats.firstPredictionMs ?? NaN) / 1000).toFixed(1)} s after navigation, ${((1000 * stats.embedded) / stats.embedMs).toFixed(1)} embeddings/s\n`,
    );
  });
  it('embeds in a Web Worker (pixels and embeddings transferred): the same embeddings as on the page thread', async () => {
    const { pixels } = mnistTestDigits(8);
    const files = Array.from({ length: 8 }, (_, i) => ({ name: `d${i}.png`, mimeType: 'image/png', buffer: digitPng(pixels.subarray(i * 784, (i + 1) * 784)) }));
    const embedAll = async (query: string) => {
      const context = await browser.newContext();
      const other = await context.newPage();
      try {
        await other.goto(`${server.url}${query}`);
        await other.waitForSelector('body[data-ready=true]', { timeout: 240_000 });
        await other.fill('[data-testid=new-class-name]', 'many');
        await other.click('[data-testid=add-class]');
        await other.setInputFiles('[data-testid=files-many]', files);
        await other.waitForFunction(() => document.querySelector('[data-testid=meta-many]')?.textContent?.startsWith('8 examples'));
        return {
          embedIn: await other.evaluate(() => window.imprintPlayground.stats.embedIn),
          imprintIn: await other.evaluate(() => window.imprintPlayground.stats.imprintIn),
          embeddings: await other.evaluate(() => window.imprintPlayground.session.classes[0]!.examples.map((e) => Array.from(e))),
        };
      } finally {
        await context.close();
      }
    };
    const onPage = await embedAll('?worker=0');
    const inWorker = await embedAll('');
    expect(onPage.embedIn).toMatch(/^the page \(wasm\)/);
    expect(inWorker.embedIn).toMatch(/^a Web Worker \(wasm\)/);
    expect([onPage.imprintIn, inWorker.imprintIn]).toEqual(['the page', 'a Web Worker']);
    expect(inWorker.embeddings).toHaveLength(8);
    inWorker.embeddings.forEach((row, i) => {
      const scale = Math.max(...onPage.embeddings[i]!.map(Math.abs));
      row.forEach((v, j) => expect(Math.abs(v - onPage.embeddings[i]![j]!)).toBeLessThanOrEqual(1e-5 * scale));
    });
  });

  it('keeps a head in IndexedDB across a page reload (the file format and checksum), loads it and predicts as Node does', async () => {
    const info = await page.evaluate(() => window.imprintPlayground.browserHeads.save('digits'));
    expect(info).toMatchObject({ name: 'digits', classes: 3 });
    const saved = Uint8Array.from(await page.evaluate(() => Array.from(window.imprintPlayground.session.save())));
    expect(info.bytes).toBe(saved.length);
    const before = await predictPng(page, heldBack[1].png);
    const scoresBefore = await scoresShown(page);
    await page.reload();
    await page.waitForSelector('body[data-ready=true]', { timeout: 240_000 });
    expect(await page.evaluate(() => window.imprintPlayground.session.classes.length)).toBe(0); // a fresh page
    await page.waitForSelector('[data-testid=saved-digits]');
    expect((await page.evaluate(() => window.imprintPlayground.browserHeads.list())).map((h) => h.name)).toEqual(['digits']);
    await page.evaluate(() => window.imprintPlayground.browserHeads.load('digits'));
    const after = await predictPng(page, heldBack[1].png);
    expect(after.label).toBe(before.label);
    expect(await scoresShown(page)).toEqual(scoresBefore);
    // the stored bytes are the file Node reads: the same head, predicting what Node predicts
    expect(Uint8Array.from(await page.evaluate(() => Array.from(window.imprintPlayground.session.save())))).toEqual(saved);
    const inNode = deserializeImprinter(saved, registry);
    expect(String(inNode.predict([after.query])[0])).toBe(after.label);
    inNode.dispose();
    const missing = await page.evaluate(() => window.imprintPlayground.browserHeads.load('nope').then(() => '', (e: Error) => e.message));
    expect(missing).toMatch(/no head is saved in the browser as "nope"; saved: "digits"/);
    expect(await page.evaluate(() => window.imprintPlayground.browserHeads.remove('digits'))).toBe(true);
    expect(await page.evaluate(() => window.imprintPlayground.browserHeads.list())).toEqual([]);
  });

  it('the whole flow with an ONNX image encoder built in the test: embeds and imprints in the worker, keeps the head in IndexedDB across a reload, predicts as Node does', async () => {
    // a tiny CNN: 1×1 convolution 3 → 4, ReLU, global average (as onnx-model.test.ts builds it)
    const graph = new GraphBuilder('tiny');
    const x = graph.input('pixels', 'float32', ['batch', 3, 8, 8]);
    const map = graph.op('Relu', [graph.op('Conv', [x, graph.constant([0.5, -1, 2, 1, 1, 1, -2, 0.25, 0.75, 0, 3, -1], [4, 3, 1, 1]), graph.constant([0.1, -0.2, 0.3, 0], [4])], { kernel_shape: [1, 1] })]);
    graph.node('Flatten', [graph.op('GlobalAveragePool', [map])], { axis: 1 }, ['features']);
    graph.output('features', 'float32', ['batch', 4]);
    const model = graph.encode();
    const options = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
    const useModel = (on: Page) => on.evaluate(([bytes, o]) => window.imprintPlayground.useOnnxModel(bytes, o), [Array.from(model), options] as const);
    // Node: the same model through onnxruntime-node, on the same digits (grey repeated to RGB, / 255)
    const path = join(await mkdtemp(join(tmpdir(), 'imprint-onnx-web-')), 'tiny.onnx');
    await writeFile(path, model);
    const inNode = await onnxModel(path, options);
    const { pixels, labels } = mnistTestDigits(60);
    const nodeEmbedding = async (i: number) => {
      const grey = Float32Array.from(pixels.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
      const rgb = tf.tidy(() => tf.tile(tf.tensor4d(grey, [1, 28, 28, 1]), [1, 1, 1, 3]) as tf.Tensor4D);
      const out = await inNode.embed(rgb);
      rgb.dispose();
      const values = Array.from(out.dataSync());
      out.dispose();
      return values;
    };
    const png = (i: number) => ({ name: `${i}.png`, mimeType: 'image/png', buffer: digitPng(pixels.subarray(i * 784, (i + 1) * 784)) });
    const close = (got: readonly number[], expected: readonly number[]) => {
      expect(got).toHaveLength(expected.length);
      const scale = Math.max(...expected.map(Math.abs), 1);
      got.forEach((v, j) => expect(Math.abs(v - expected[j]!)).toBeLessThanOrEqual(1e-4 * scale));
    };
    // three examples each of the digits 0 and 1, and a held-back 0 and 1 to predict
    const ofDigit = (d: number) => Array.from(labels).flatMap((l, i) => (l === d ? [i] : []));
    const [zeros, ones] = [ofDigit(0), ofDigit(1)];
    const classes = [
      { name: 'zero', train: zeros.slice(0, 3) },
      { name: 'one', train: ones.slice(0, 3) },
    ];
    const queries = [zeros[3]!, ones[3]!];

    await useModel(page);
    expect(await page.textContent('[data-testid=status]')).toMatch(/onnx:model\.onnx \(onnxruntime-web, d = 4, 8 px\) in a Web Worker \(onnxruntime-web\) · imprinting in a Web Worker/);
    for (const { name, train: rows } of classes) {
      await page.fill('[data-testid=new-class-name]', name);
      await page.click('[data-testid=add-class]');
      await page.setInputFiles(`[data-testid=files-${name}]`, rows.map(png));
      await page.waitForFunction((n) => document.querySelector(`[data-testid=meta-${n}]`)?.textContent?.startsWith('3 examples'), name);
    }
    const tensorsAfterImprint = await page.evaluate(() => window.imprintPlayground.workerTensors());
    // embedded in the worker: the embeddings Node gives
    const examples = await page.evaluate(() => window.imprintPlayground.session.classes.map((c) => c.examples.map((e) => Array.from(e))));
    for (const [c, { train: rows }] of classes.entries()) for (const [r, i] of rows.entries()) close(examples[c]![r]!, await nodeEmbedding(i));
    // imprinted in the worker with another method too; the worker keeps no tensors of its heads
    await choose(page, 'preset', 'janson2022');
    expect(await page.evaluate(() => window.imprintPlayground.session.head?.config.agg)).toBe('mnn');
    expect(await page.evaluate(() => window.imprintPlayground.workerTensors())).toBe(tensorsAfterImprint);
    await page.evaluate(() => window.imprintPlayground.browserHeads.save('onnx-digits'));
    const saved = Uint8Array.from(await page.evaluate(() => Array.from(window.imprintPlayground.session.save())));

    // a new page: the model picked again, the head loaded from IndexedDB
    await page.reload();
    await page.waitForSelector('body[data-ready=true]', { timeout: 240_000 });
    await useModel(page);
    await page.evaluate(() => window.imprintPlayground.browserHeads.load('onnx-digits'));
    expect(Uint8Array.from(await page.evaluate(() => Array.from(window.imprintPlayground.session.save())))).toEqual(saved);

    // Node, on the same digits: its own embeddings, its own head of the same method
    const nodeHead = Imprinter.fromConfig({ preset: 'janson2022' }, registry);
    const nodeRows: number[][] = [];
    const nodeLabels: string[] = [];
    for (const { name, train: rows } of classes) {
      for (const i of rows) {
        nodeRows.push(await nodeEmbedding(i));
        nodeLabels.push(name);
      }
    }
    await nodeHead.imprint(nodeRows, nodeLabels);
    const fromBrowser = deserializeImprinter(saved, registry, 'the head kept in IndexedDB');
    for (const [q, i] of queries.entries()) {
      const { label, query } = await predictPng(page, png(i).buffer);
      const expectedQuery = await nodeEmbedding(i);
      close(query, expectedQuery);
      expect(label).toBe(classes[q]!.name);
      expect(label).toBe(String(nodeHead.predict([expectedQuery])[0]));
      expect(label).toBe(String(fromBrowser.predict([query])[0]));
      const nodeScores = nodeHead.scores([expectedQuery]);
      close(await scoresShown(page), Array.from(nodeScores.dataSync()));
      nodeScores.dispose();
    }
    nodeHead.dispose();
    fromBrowser.dispose();
    expect(await page.evaluate(() => window.imprintPlayground.browserHeads.remove('onnx-digits'))).toBe(true);

    // on the page's own thread (?worker=0) the same model embeds as in the worker
    const context = await browser.newContext();
    const onPage = await context.newPage();
    try {
      await onPage.goto(`${server.url}?worker=0`);
      await onPage.waitForSelector('body[data-ready=true]', { timeout: 240_000 });
      await useModel(onPage);
      expect(await onPage.textContent('[data-testid=status]')).toMatch(/in the page \(onnxruntime-web\) · imprinting in the page/);
      close(await queryPng(onPage, png(queries[0]!).buffer), await nodeEmbedding(queries[0]!));
    } finally {
      await context.close();
    }
    inNode.dispose();
  });
});
