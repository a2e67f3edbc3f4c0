import * as tf from '@tensorflow/tfjs-core';
import { PRESET_NAMES, applicableOptions, optionFromText, parseConfig, type Backbone, type ImprintConfigInput, type OptionDeclaration, type PresetName } from '@imprint/core';
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
