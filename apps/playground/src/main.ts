import * as tf from '@tensorflow/tfjs-core';
import { PRESET_NAMES, applicableOptions, optionFromText, parseConfig, type Backbone, type ImprintConfigInput, type OptionDeclaration, type PresetName } from '@imprint/core';
import { loadEmbeddedBackboneFromUrl, onnxWebModel, type OnnxWebModelOptions, type OrtWebLike } from '@imprint/backbones/browser';
import { deleteSavedHead, listSavedHeads, loadHeadFromBrowser, saveHeadInBrowser, type SavedHeadInfo } from '@imprint/core/browser';
import { WASM_PATHS, chooseBackend } from './backend.js';
import { ThumbnailStrips } from './thumbnail-strips.js';
import { WorkerClient } from './worker-client.js';
import { decodeImageFile, imageTensor, thumbnail, type ImageSource } from './images.js';
import { playgroundRegistry } from './registry.js';
import { PlaygroundSession, type Prediction } from './session.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const status = $('status');
const params = new URLSearchParams(location.search);
const inputSize = params.has('size') ? Number(params.get('size')) : 224;

/** Figures the page measures (also read by the tests and `pnpm --filter @imprint/playground bench`). */
const stats = { lastImprintMs: 0, backend: '', backendReason: '', embedIn: '', imprintIn: '', modelLoadMs: 0, embedded: 0, embedMs: 0, queries: 0, firstPredictionMs: undefined as number | undefined };
/**
 * Embedding and imprinting run in a Web Worker (tf.js WASM there; onnxruntime-web for an ONNX
 * model), so the page's thread stays free — unless `?worker=0`, or a backend is forced
 * (`?backend=webgl|wasm`: the page embeds and imprints on it; `&worker=1` still moves the work to
 * the worker, on WASM). The page only predicts, with the head the worker sends.
 */
const useWorker = typeof Worker !== 'undefined' && (params.get('worker') === '1' || (params.get('worker') !== '0' && !params.has('backend')));
let worker: WorkerClient | undefined;

const session = new PlaygroundSession(playgroundRegistry());
let backbone: Backbone | undefined;
/** The embedding of the last predicted image (for the tests' Node round trip). */
let lastQuery: Float32Array | undefined;
let lastPrediction: Prediction | undefined;

function setStatus(text: string): void {
  status.textContent = `${text} · backend ${stats.backend || '…'}${stats.backendReason ? ` (${stats.backendReason})` : ''} · ${modelName === 'mobilenet_v2_140' ? `mobilenet_v2_140 at ${inputSize}` : modelName}${stats.embedIn ? ` in ${stats.embedIn}` : ''}${stats.imprintIn ? ` · imprinting in ${stats.imprintIn}` : ''} · ${stats.embedded} images embedded${stats.embedded > 0 ? ` (${((1000 * stats.embedded) / stats.embedMs).toFixed(1)}/s)` : ''}`;
}

function showError(error: unknown): void {
  $('method-error').textContent = error instanceof Error ? error.message : String(error);
}

async function embed(source: ImageSource): Promise<Float32Array> {
  const began = performance.now();
  let values: Float32Array;
  if (worker !== undefined) {
    values = await worker.embed(source);
  } else {
    if (backbone === undefined) throw new Error('the foundation model is still loading');
    const images = imageTensor(source);
    const features = await backbone.embed(images);
    values = (await features.data()) as Float32Array;
    images.dispose();
    features.dispose();
  }
  stats.embedded++;
  stats.embedMs += performance.now() - began;
  return values;
}

// ---------------------------------------------------------------- method controls

/**
 * The method's controls, derived from the registry's option declarations: core's, those of the
 * plugins the config selects (GEN, the NORMs, AGG — a third-party plugin's included) and those of
 * the presamplers and k selectors. A plugin name is a list of the registered plugins of its kind, a
 * declared choice a list, a number a number field; runtime and label options (threads, name, meta)
 * have no control. Defaults are the declarations' (the same as a config resolved in Node).
 */
function controlledOptions(values: Record<string, unknown>): OptionDeclaration[] {
  const registry = session.registry;
  const applies = applicableOptions(values, registry);
  // Presamplers and k selectors are switched on by their own options (fewshot, prefilter, k auto): always offered.
  const switches = new Set(
    (['presampler', 'kselector'] as const).flatMap((kind) => registry.names(kind).flatMap((name) => (registry.find(kind, name)?.options ?? []).map((o) => o.name))),
  );
  return registry
    .options()
    .list()
    .filter((option) => option.flag !== false && option.stage !== 'runtime' && option.stage !== 'label')
    .filter((option) => applies(option.name) || switches.has(option.name));
}

function effectiveConfig(config: ImprintConfigInput): Record<string, unknown> {
  const { preset: _preset, ...resolved } = parseConfig(config, session.registry);
  return resolved;
}

function valueOf(option: OptionDeclaration, text: string): unknown {
  if (text === '') return undefined;
  return option.type === 'string' ? text : optionFromText(option, text);
}

function renderMethod(): void {
  const host = $('method');
  host.replaceChildren();
  const config = session.config;
  const presetLabel = document.createElement('label');
  presetLabel.textContent = 'preset';
  const preset = document.createElement('select');
  preset.dataset.testid = 'preset';
  for (const name of ['custom', ...PRESET_NAMES]) preset.append(new Option(name, name, false, (config.preset ?? 'custom') === name));
  preset.onchange = () => void changeConfig(preset.value === 'custom' ? effectiveConfig(session.config) : { preset: preset.value as PresetName });
  presetLabel.append(preset);
  host.append(presetLabel);
  let values: Record<string, unknown>;
  try {
    values = effectiveConfig(config);
  } catch {
    values = { ...config };
  }
  for (const option of controlledOptions(values)) {
    const label = document.createElement('label');
    label.textContent = option.name;
    label.title = option.description;
    const current = values[option.name] ?? option.default;
    let input: HTMLInputElement | HTMLSelectElement;
    const choices = option.pluginKind !== undefined ? [...session.registry.names(option.pluginKind), ...(option.alsoAccepts ?? [])] : option.choices;
    if (choices !== undefined) {
      input = document.createElement('select');
      if (option.default === undefined) input.append(new Option('(none)', '', false, current === undefined));
      for (const choice of choices) input.append(new Option(choice, choice, false, current === choice));
    } else {
      input = document.createElement('input');
      input.type = option.type === 'integer' || option.type === 'number' ? 'number' : 'text';
      input.value = current === undefined ? '' : typeof current === 'string' ? current : JSON.stringify(current);
    }
    input.dataset.testid = `field-${option.name}`;
    input.onchange = () => {
      try {
        const next: Record<string, unknown> = { ...effectiveConfig(session.config), [option.name]: valueOf(option, input.value) };
        void changeConfig(next as ImprintConfigInput);
      } catch (error) {
        showError(error);
      }
    };
    label.append(input);
    host.append(label);
  }
}

/** Redraw what depends on the head: the method controls, the classes and the last prediction. */
function refresh(): void {
  renderMethod();
  renderClasses();
  repredict();
}

async function changeConfig(config: ImprintConfigInput): Promise<void> {
  try {
    await session.setConfig(config);
    showError('');
  } catch (error) {
    showError(error);
  }
  refresh();
}

// ---------------------------------------------------------------- classes

/** The classes' thumbnails, kept across redraws (only new ones are added, a few per task). */
const thumbnailStrips = new ThumbnailStrips();

function renderClasses(): void {
  const host = $('classes');
  host.replaceChildren();
  const proxies = session.proxyCounts();
  thumbnailStrips.keepOnly(session.classes.map((c) => c.name));
  for (const c of session.classes) {
    const card = document.createElement('div');
    card.className = 'class-card';
    card.dataset.testid = `class-${c.name}`;
    const title = document.createElement('h3');
    title.textContent = c.name;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = '×';
    remove.title = `remove ${c.name}`;
    remove.onclick = () => void session.removeClass(c.name).then(() => (renderClasses(), repredict()));
    title.append(remove);
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.dataset.testid = `meta-${c.name}`;
    meta.textContent = `${c.examples.length} examples · ${proxies.get(c.name) ?? 0} proxies stored${session.growsInPlace(c.name) ? ' · loaded: new examples grow this class in place' : ''}`;
    const thumbs = thumbnailStrips.strip(c.name, c.thumbnails);
    const files = document.createElement('input');
    files.type = 'file';
    files.accept = 'image/*';
    files.multiple = true;
    files.dataset.testid = `files-${c.name}`;
    files.onchange = () => void addFiles(c.name, [...(files.files ?? [])]);
    const fromDrawing = document.createElement('button');
    fromDrawing.type = 'button';
    fromDrawing.textContent = '+ drawing';
    fromDrawing.dataset.testid = `add-drawing-${c.name}`;
    fromDrawing.onclick = () => void addSource(c.name, $<HTMLCanvasElement>('drawing'));
    const fromWebcam = document.createElement('button');
    fromWebcam.type = 'button';
    fromWebcam.textContent = '+ webcam frame';
    fromWebcam.dataset.testid = `add-webcam-${c.name}`;
    fromWebcam.onclick = () => void addSource(c.name, $<HTMLVideoElement>('webcam'));
    card.ondragover = (event) => (event.preventDefault(), card.classList.add('over'));
    card.ondragleave = () => card.classList.remove('over');
    card.ondrop = (event) => {
      event.preventDefault();
      card.classList.remove('over');
      void addFiles(c.name, [...(event.dataTransfer?.files ?? [])].filter((f) => f.type.startsWith('image/')));
    };
    card.append(title, meta, thumbs, files, document.createElement('br'), fromDrawing, ' ', fromWebcam);
    host.append(card);
  }
}

async function addSource(name: string, source: ImageSource): Promise<void> {
  try {
    const embedding = await embed(source);
    await session.addExample(name, embedding, thumbnail(source));
  } catch (error) {
    showError(error);
  }
  renderClasses();
  setStatus('ready');
  repredict();
}

async function addFiles(name: string, files: File[]): Promise<void> {
  // Embed every file (in the worker), then imprint once (in the worker too): imprinting after each
  // file would redo the head n times.
  const embeddings: Float32Array[] = [];
  const thumbnails: string[] = [];
  for (const [i, file] of files.entries()) {
    setStatus(`embedding image ${i + 1} of ${files.length}…`);
    try {
      const bitmap = await decodeImageFile(file);
      try {
        embeddings.push(await embed(bitmap));
        thumbnails.push(thumbnail(bitmap));
      } finally {
        bitmap.close();
      }
    } catch (error) {
      showError(error);
    }
  }
  const imprintStart = performance.now();
  try {
    await session.addExamples(name, embeddings, thumbnails);
  } catch (error) {
    showError(error);
  }
  stats.lastImprintMs = performance.now() - imprintStart;
  // Imprinting and drawing the classes are two tasks, so the page can paint and take input between them.
  await new Promise((resolve) => setTimeout(resolve, 0));
  renderClasses();
  setStatus('ready');
  repredict();
}

$<HTMLFormElement>('new-class').onsubmit = (event) => {
  event.preventDefault();
  const input = $<HTMLInputElement>('new-class-name');
  try {
    session.addClass(input.value);
    input.value = '';
    showError('');
  } catch (error) {
    showError(error);
  }
  renderClasses();
};

// ---------------------------------------------------------------- prediction

function renderPrediction(prediction: Prediction | undefined): void {
  const host = $('prediction');
  host.replaceChildren();
  lastPrediction = prediction;
  if (prediction === undefined) {
    host.textContent = session.classes.length === 0 ? 'Add classes and examples first.' : 'No head yet: add examples.';
    return;
  }
  if (stats.firstPredictionMs === undefined) stats.firstPredictionMs = performance.now();
  const predicted = document.createElement('div');
  predicted.className = 'predicted';
  predicted.dataset.testid = 'predicted';
  predicted.textContent = prediction.label;
  host.append(predicted);
  const scores = prediction.scores.map((s) => s.score);
  const low = Math.min(0, ...scores);
  const high = Math.max(...scores);
  for (const { label, score } of prediction.scores) {
    const row = document.createElement('div');
    row.className = `bar${label === prediction.label ? ' best' : ''}`;
    row.dataset.testid = `score-${label}`;
    row.dataset.score = String(score);
    const fill = document.createElement('div');
    fill.className = 'fill';
    fill.style.width = `${high > low ? (100 * (score - low)) / (high - low) : 100}%`;
    const track = document.createElement('div');
    track.append(fill);
    row.append(Object.assign(document.createElement('span'), { textContent: label }), track, Object.assign(document.createElement('span'), { textContent: score.toFixed(4) }));
    host.append(row);
  }
}

function repredict(): void {
  if (lastQuery !== undefined) renderPrediction(session.predict(lastQuery));
}

async function predictSource(source: ImageSource): Promise<void> {
  try {
    lastQuery = await embed(source);
    renderPrediction(session.predict(lastQuery));
  } catch (error) {
    showError(error);
  }
  stats.queries++;
  setStatus('ready');
}

$<HTMLInputElement>('test-file').onchange = async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file === undefined) return;
  const bitmap = await decodeImageFile(file);
  await predictSource(bitmap);
  bitmap.close();
};
const testDrop = $('test-drop');
testDrop.ondragover = (event) => event.preventDefault();
testDrop.ondrop = async (event) => {
  event.preventDefault();
  const file = event.dataTransfer?.files?.[0];
  if (file === undefined) return;
  const bitmap = await decodeImageFile(file);
  await predictSource(bitmap);
  bitmap.close();
};

// ---------------------------------------------------------------- drawing and webcam

function setUpDrawing(): void {
  const canvas = $<HTMLCanvasElement>('drawing');
  const context = canvas.getContext('2d')!;
  const clear = () => {
    context.fillStyle = '#000';
    context.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  let drawing = false;
  const point = (event: PointerEvent) => {
    const box = canvas.getBoundingClientRect();
    return [((event.clientX - box.left) * canvas.width) / box.width, ((event.clientY - box.top) * canvas.height) / box.height] as const;
  };
  canvas.onpointerdown = (event) => {
    drawing = true;
    context.beginPath();
    context.moveTo(...point(event));
  };
  canvas.onpointermove = (event) => {
    if (!drawing) return;
    context.strokeStyle = '#fff';
    context.lineWidth = 12;
    context.lineCap = 'round';
    context.lineTo(...point(event));
    context.stroke();
  };
  canvas.onpointerup = () => (drawing = false);
  canvas.onpointerleave = () => (drawing = false);
  $('clear-drawing').onclick = clear;
  $('predict-drawing').onclick = () => void predictSource(canvas);
}

function setUpWebcam(): void {
  const video = $<HTMLVideoElement>('webcam');
  const toggle = $<HTMLButtonElement>('webcam-toggle');
  const live = $<HTMLInputElement>('webcam-live');
  let busy = false;
  toggle.onclick = async () => {
    const stream = video.srcObject as MediaStream | null;
    if (stream) {
      stream.getTracks().forEach((t) => t.stop());
      video.srcObject = null;
      toggle.textContent = 'Start webcam';
      return;
    }
    try {
      video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
      await video.play();
      toggle.textContent = 'Stop webcam';
    } catch (error) {
      showError(`webcam: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const tick = async () => {
    if (live.checked && video.srcObject && !busy && video.readyState >= 2) {
      busy = true;
      await predictSource(video);
      busy = false;
    }
    requestAnimationFrame(() => void tick());
  };
  void tick();
}

// ---------------------------------------------------------------- compare, save, load

$('compare').onclick = async () => {
  const host = $('compare-result');
  host.textContent = 'computing…';
  try {
    const rows = await session.leaveOneOut();
    const table = document.createElement('table');
    table.innerHTML = '<tr><th>method</th><th>leave-one-out accuracy</th></tr>';
    for (const row of rows) {
      const tr = table.insertRow();
      tr.dataset.testid = `loo-${row.method}`;
      tr.insertCell().textContent = row.method;
      tr.insertCell().textContent = `${row.accuracy.toFixed(1)} % of ${row.examples}`;
    }
    // Why: each method's confusion matrix (rows: true class, columns: predicted), collapsed under its name.
    const matrices = rows.map((row) => {
      const details = document.createElement('details');
      details.dataset.testid = `confusion-${row.method}`;
      details.append(Object.assign(document.createElement('summary'), { textContent: `confusion matrix: ${row.method}` }));
      const grid = document.createElement('table');
      const head = grid.insertRow();
      head.insertCell().textContent = 'true \\ predicted';
      for (const name of row.classes) head.insertCell().textContent = name;
      row.classes.forEach((name, t) => {
        const tr = grid.insertRow();
        tr.insertCell().textContent = name;
        row.confusion[t].forEach((count, p) => {
          const cell = tr.insertCell();
          cell.textContent = String(count);
          if (count > 0 && p !== t) cell.style.background = '#fdd';
        });
      });
      details.append(grid);
      return details;
    });
    host.replaceChildren(table, ...matrices);
  } catch (error) {
    host.textContent = error instanceof Error ? error.message : String(error);
  }
};

$('save').onclick = () => {
  try {
    const bytes = session.save();
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
    const link = Object.assign(document.createElement('a'), { href: url, download: 'head.imprint' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    showError(error);
  }
};

$<HTMLInputElement>('load').onchange = async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file === undefined) return;
  try {
    session.load(new Uint8Array(await file.arrayBuffer()), file.name);
    showError('');
  } catch (error) {
    showError(error);
  }
  refresh();
};

// ---------------------------------------------------------------- start

/** For tests and the console: the session, the page's figures, the last query's embedding. */
declare global {
  interface Window {
    imprintPlayground: {
      session: PlaygroundSession;
      stats: typeof stats;
      ready: Promise<void>;
      lastQuery: () => number[] | undefined;
      lastPrediction: () => Prediction | undefined;
      numTensors: () => number;
      /** The worker's live tf.js tensors (undefined without a worker). */
      workerTensors: () => Promise<number | undefined>;
      /** Use an ONNX image encoder (its bytes) as the foundation model, as the page's file picker does. */
      useOnnxModel: (bytes: ArrayLike<number>, options: OnnxWebModelOptions) => Promise<void>;
      /** What choosing image files for a class does (decode, embed, imprint, render). */
      addFiles: (name: string, files: File[]) => Promise<void>;
      /** Heads kept in this browser's IndexedDB (the same bytes as a saved file). */
      browserHeads: { save: (name: string) => Promise<SavedHeadInfo>; list: () => Promise<SavedHeadInfo[]>; load: (name: string) => Promise<void>; remove: (name: string) => Promise<boolean> };
    };
  }
}

// ---------------------------------------------------------------- any ONNX image encoder (onnxruntime-web)

/** The foundation model in use, for the status line. */
let modelName = 'mobilenet_v2_140';

/**
 * Use an ONNX image encoder (its bytes) as the foundation model, with `onnxModel`'s options:
 * onnxruntime-web (WebGPU where the browser has it, else WASM) in the worker, or on the page with
 * `?worker=0`. The classes start over (their embeddings came from the other model).
 */
async function useOnnxModel(bytes: Uint8Array, options: OnnxWebModelOptions, name: string): Promise<void> {
  setStatus(`loading ${name} with onnxruntime-web`);
  let described: { dim: number; inputSize: number };
  if (worker !== undefined) {
    described = await worker.useOnnx(bytes, { name: `onnx:${name}`, ...options });
    stats.embedIn = 'a Web Worker (onnxruntime-web)';
  } else {
    const ort = (await import('onnxruntime-web')) as unknown as OrtWebLike;
    const next = await onnxWebModel(bytes, ort, { name: `onnx:${name}`, ...options });
    backbone?.dispose();
    backbone = next;
    described = { dim: next.dim, inputSize: next.inputSize[0] };
    stats.embedIn = 'the page (onnxruntime-web)';
  }
  modelName = `onnx:${name} (onnxruntime-web, d = ${described.dim}, ${described.inputSize} px)`;
  session.reset();
  lastQuery = undefined;
  lastPrediction = undefined;
  renderClasses();
  setStatus('ready');
}

function setUpOnnxModel(): void {
  const file = document.getElementById('onnx-file') as HTMLInputElement | null;
  const optionsField = document.getElementById('onnx-options') as HTMLInputElement | null;
  if (file === null || optionsField === null) return;
  file.onchange = async () => {
    const chosen = file.files?.[0];
    if (chosen === undefined) return;
    try {
      const options = optionsField.value.trim() === '' ? {} : (JSON.parse(optionsField.value) as OnnxWebModelOptions);
      await useOnnxModel(new Uint8Array(await chosen.arrayBuffer()), options, chosen.name);
    } catch (error) {
      showError(error);
    }
  };
}

// ---------------------------------------------------------------- heads saved in this browser (IndexedDB)

async function saveInBrowser(name: string): Promise<SavedHeadInfo> {
  const head = session.head;
  if (head === undefined) throw new Error('nothing to save yet: add examples to a class first');
  const info = await saveHeadInBrowser(name, head);
  await renderSavedHeads();
  return info;
}

async function loadFromBrowser(name: string): Promise<void> {
  session.adopt(await loadHeadFromBrowser(name, session.registry));
  renderMethod();
  renderClasses();
  repredict();
}

async function renderSavedHeads(): Promise<void> {
  const host = document.getElementById('saved-heads');
  if (host === null) return;
  let heads: SavedHeadInfo[];
  try {
    heads = await listSavedHeads();
  } catch (error) {
    host.textContent = error instanceof Error ? error.message : String(error);
    return;
  }
  host.replaceChildren(
    ...heads.map((h) => {
      const row = document.createElement('li');
      row.dataset.testid = `saved-${h.name}`;
      const load = Object.assign(document.createElement('button'), { type: 'button', textContent: 'load' });
      load.onclick = () => void loadFromBrowser(h.name).catch(showError);
      const remove = Object.assign(document.createElement('button'), { type: 'button', textContent: 'delete' });
      remove.onclick = () => void deleteSavedHead(h.name).then(renderSavedHeads).catch(showError);
      row.append(`${h.name} · ${h.classes} classes · ${h.gen} · ${(h.bytes / 1024).toFixed(1)} KiB · ${h.savedAt.slice(0, 16).replace('T', ' ')} `, load, ' ', remove);
      return row;
    }),
  );
}

function setUpSavedHeads(): void {
  const form = document.getElementById('save-in-browser') as HTMLFormElement | null;
  if (form === null) return;
  form.onsubmit = (event) => {
    event.preventDefault();
    const name = (form.elements.namedItem('head-name') as HTMLInputElement).value;
    void saveInBrowser(name).catch(showError);
  };
  void renderSavedHeads();
}

async function start(): Promise<void> {
  setUpSavedHeads();
  setUpOnnxModel();
  renderMethod();
  renderClasses();
  setUpDrawing();
  setUpWebcam();
  setStatus('starting tf.js');
  const backend = await chooseBackend();
  stats.backend = backend.name;
  stats.backendReason = backend.reason;
  setStatus('loading the foundation model');
  const began = performance.now();
  const modelUrl = new URL('models/mobilenet_v2_140/model.json', document.baseURI).href;
  if (useWorker) {
    // The worker loads the model and warms it up (its first run compiles the kernels).
    worker = new WorkerClient({ model: { url: modelUrl, inputSize }, wasm: Object.fromEntries(Object.entries(WASM_PATHS).map(([name, url]) => [name, new URL(url, document.baseURI).href])) });
    stats.embedIn = `a Web Worker (${await worker.ready})`;
    const builder = worker.headBuilder(session.registry);
    session.useBuilder(builder);
    // One small head imprinted in the worker and read and used on the page: it sets up the page's
    // kernels for predicting, which the first real head would otherwise do in one long task.
    const dim = 1792;
    const rows = Float32Array.from({ length: 4 * dim }, (_, i) => Math.sin(i));
    const warm = await builder.imprint(session.config, { data: rows.slice(), shape: [4, dim], labels: ['a', 'a', 'b', 'b'] });
    warm.scores({ data: rows.subarray(0, dim), shape: [1, dim] }).dispose();
    warm.dispose();
  } else {
    backbone = await loadEmbeddedBackboneFromUrl('mobilenet_v2_140', modelUrl, { inputSize });
    // One warm-up run compiles the shaders / kernels, so the first example is not slow.
    const blank = document.createElement('canvas');
    blank.width = blank.height = 8;
    await embed(blank);
    stats.embedIn = `the page (${stats.backend})`;
  }
  stats.imprintIn = session.imprintsIn;
  stats.embedded = 0;
  stats.embedMs = 0;
  stats.modelLoadMs = performance.now() - began;
  setStatus('ready');
  document.body.dataset.ready = 'true';
}

window.imprintPlayground = {
  session,
  stats,
  ready: start().catch((error: unknown) => {
    setStatus(`failed: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }),
  lastQuery: () => (lastQuery === undefined ? undefined : Array.from(lastQuery)),
  lastPrediction: () => lastPrediction,
  numTensors: () => tf.memory().numTensors,
  workerTensors: () => (worker === undefined ? Promise.resolve(undefined) : worker.numTensors()),
  addFiles: (name, files) => addFiles(name, files),
  useOnnxModel: (bytes, options) => useOnnxModel(Uint8Array.from(bytes), options, 'model.onnx'),
  browserHeads: {
    save: saveInBrowser,
    list: listSavedHeads,
    load: loadFromBrowser,
    remove: async (name) => {
      const removed = await deleteSavedHead(name);
      await renderSavedHeads();
      return removed;
    },
  },
};
