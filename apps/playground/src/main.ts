import * as tf from '@tensorflow/tfjs-core';
import { METRICS, PRESETS, PRESET_NAMES, WEIGHTINGS, type Backbone, type ImprintConfigInput, type PresetName } from '@imprint/core';
import { loadEmbeddedBackboneFromUrl } from '@imprint/backbones/browser';
import { chooseBackend } from './backend.js';
import { decodeImageFile, imageTensor, thumbnail, type ImageSource } from './images.js';
import { playgroundRegistry } from './registry.js';
import { PlaygroundSession, type Prediction } from './session.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const status = $('status');
const params = new URLSearchParams(location.search);
const inputSize = params.has('size') ? Number(params.get('size')) : 224;

/** Figures the page measures (also read by the tests and `pnpm --filter @imprint/playground bench`). */
const stats = { backend: '', backendReason: '', modelLoadMs: 0, embedded: 0, embedMs: 0, queries: 0, firstPredictionMs: undefined as number | undefined };

const session = new PlaygroundSession(playgroundRegistry());
let backbone: Backbone | undefined;
/** The embedding of the last predicted image (for the tests' Node round trip). */
let lastQuery: Float32Array | undefined;
let lastPrediction: Prediction | undefined;

function setStatus(text: string): void {
  status.textContent = `${text} · backend ${stats.backend || '…'}${stats.backendReason ? ` (${stats.backendReason})` : ''} · mobilenet_v2_140 at ${inputSize} · ${stats.embedded} images embedded${stats.embedded > 0 ? ` (${((1000 * stats.embedded) / stats.embedMs).toFixed(1)}/s)` : ''}`;
}

function showError(error: unknown): void {
  $('method-error').textContent = error instanceof Error ? error.message : String(error);
}

async function embed(source: ImageSource): Promise<Float32Array> {
  if (backbone === undefined) throw new Error('the foundation model is still loading');
  const began = performance.now();
  const images = imageTensor(source);
  const features = await backbone.embed(images);
  const values = (await features.data()) as Float32Array;
  images.dispose();
  features.dispose();
  stats.embedded++;
  stats.embedMs += performance.now() - began;
  return values;
}

// ---------------------------------------------------------------- method controls

const NORMS = () => session.registry.names('normalizer');
const FIELDS: { key: keyof ImprintConfigInput; label: string; options?: () => string[]; number?: boolean }[] = [
  { key: 'normPre', label: 'NORMpre', options: NORMS },
  { key: 'gen', label: 'GEN', options: () => session.registry.names('generator') },
  { key: 'k', label: 'k (proxies per class, -1: all)', number: true },
  { key: 'normPost', label: 'NORMpost', options: NORMS },
  { key: 'normInf', label: 'NORMinf', options: NORMS },
  { key: 'agg', label: 'AGG', options: () => session.registry.names('aggregator') },
  { key: 'metric', label: 'metric', options: () => [...METRICS] },
  { key: 'm', label: 'm (neighbours)', number: true },
  { key: 'weighting', label: 'weighting', options: () => [...WEIGHTINGS] },
];
const DEFAULTS: Record<string, string | number> = { normPre: 'none', gen: 'mean', k: 1, normPost: 'none', normInf: 'none', agg: 'max', metric: 'inner_product', m: 5, weighting: 'uniform' };

function effectiveConfig(config: ImprintConfigInput): Record<string, unknown> {
  const preset = config.preset === undefined ? {} : PRESETS[config.preset];
  const { preset: _preset, ...own } = config;
  return { ...DEFAULTS, ...preset, ...own };
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
  const values = effectiveConfig(config);
  for (const field of FIELDS) {
    const label = document.createElement('label');
    label.textContent = field.label;
    let input: HTMLInputElement | HTMLSelectElement;
    if (field.options) {
      input = document.createElement('select');
      for (const option of field.options()) input.append(new Option(option, option, false, values[field.key] === option));
    } else {
      input = document.createElement('input');
      input.type = 'number';
      input.value = String(values[field.key]);
    }
    input.dataset.testid = `field-${field.key}`;
    input.onchange = () => {
      const next: Record<string, unknown> = { ...effectiveConfig(session.config), [field.key]: field.number ? Number(input.value) : input.value };
      void changeConfig(next as ImprintConfigInput);
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

function renderClasses(): void {
  const host = $('classes');
  host.replaceChildren();
  const proxies = session.proxyCounts();
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
    meta.textContent = `${c.examples.length} examples · ${proxies.get(c.name) ?? 0} proxies stored`;
    const thumbs = document.createElement('div');
    thumbs.className = 'thumbs';
    for (const t of c.thumbnails) if (t) thumbs.append(Object.assign(document.createElement('img'), { src: t, alt: '' }));
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
  setStatus(`embedding ${files.length} images…`);
  for (const file of files) {
    const bitmap = await decodeImageFile(file);
    try {
      const embedding = await embed(bitmap);
      await session.addExample(name, embedding, thumbnail(bitmap));
    } catch (error) {
      showError(error);
    }
    bitmap.close();
  }
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
    host.replaceChildren(table);
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
    imprintPlayground: { session: PlaygroundSession; stats: typeof stats; ready: Promise<void>; lastQuery: () => number[] | undefined; lastPrediction: () => Prediction | undefined; numTensors: () => number };
  }
}

async function start(): Promise<void> {
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
  backbone = await loadEmbeddedBackboneFromUrl('mobilenet_v2_140', new URL('models/mobilenet_v2_140/model.json', document.baseURI).href, { inputSize });
  // One warm-up run compiles the shaders / kernels, so the first example is not slow.
  await embed(document.createElement('canvas'));
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
};
