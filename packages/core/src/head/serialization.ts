import * as tf from '@tensorflow/tfjs-core';
import { crc32 } from '../util/crc32.js';
import { ImprintError } from '../util/errors.js';
import { warnOnce } from '../util/warn-once.js';
import { firstNonFinite } from '../compute/matrix.js';
import { Imprinter, type ClassState } from './imprinter.js';
import type { Label } from './labels.js';
import type { Registry } from '../config/registry.js';

/**
 * The saved-head format, one self-contained byte string:
 *
 * ```
 * "IMPRINT\0"  8 bytes magic
 * uint32 LE    byte length J of the manifest
 * J bytes      manifest, UTF-8 JSON (config, plugin names/versions, dim, classes, checksum)
 * 0–3 bytes    zero padding to a multiple of 4
 * float32 LE   all stored weights, class after class, row-major
 * float32 LE   format 3: the kept train examples of the classes that have them, class after class
 * float64 LE   format 3: the running column sums of the classes that have them (mean-like GEN)
 * uint32 LE    CRC-32 of every byte before it (format versions 2 and 3)
 * ```
 *
 * Format 3 is written only for heads that keep examples or running means (what
 * `Imprinter.addExamples` grows a class from); other heads are written as format 2, which older
 * builds read.
 *
 * The weights are the float32 values of the head, so a round trip is exact. The CRC-32 covers
 * the whole file — magic, manifest and weights — so a changed byte anywhere (a renamed class, a
 * different aggregator or k) is caught, not only in the weights. Version 1 files, whose manifest
 * held a CRC-32 of the weights alone, are read only when asked ({@link ReadHeadOptions}): a changed
 * byte in their manifest — a class label, the aggregator — cannot be detected.
 */
export const HEAD_MAGIC = 'IMPRINT\0';
export const HEAD_FORMAT_VERSION = 2;
/** The format of heads that carry kept examples or running means. */
export const HEAD_FORMAT_VERSION_WITH_STATE = 3;
/** Versions this build reads. */
export const HEAD_FORMAT_VERSIONS_READ: readonly number[] = [1, 2, 3];

export interface HeadManifest {
  readonly format: 'imprint-head';
  readonly formatVersion: number;
  readonly config: Record<string, unknown>;
  readonly plugins: Record<string, { name: string; version?: string }>;
  readonly dim: number;
  readonly classes: { label: Label; proxies: number; examples?: number; running?: number }[];
  readonly weightBytes: number;
  /** Format 3: bytes of kept examples and running sums after the weights. */
  readonly stateBytes?: number;
  /** Format 3: the head's bound on kept rows, when it keeps its examples. */
  readonly keepExamples?: { maxRows: number };
  /** Version 1 only: CRC-32 of the weight bytes (version 2 checks the whole file instead). */
  readonly crc32?: number;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function float32ToBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  if (littleEndian) {
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  } else {
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  }
  return bytes;
}

function bytesToFloat32(bytes: Uint8Array): Float32Array {
  const values = new Float32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return values;
}

/** Serialise a head (weights, label map, config, plugin identities) to bytes. */
export function serializeImprinter(head: Imprinter): Uint8Array {
  const { pipeline } = head;
  if (head.numClasses === 0) throw new ImprintError('NO_CLASSES', 'cannot save a head without classes');
  const proxySet = head.weights();
  const weights = float32ToBytes(proxySet.weights.dataSync() as Float32Array);
  const states = head.classes.map((label) => head.classState(label));
  const withState = head.keepExamples !== undefined || states.some((s) => s.examples !== undefined || s.running !== undefined);
  const examples = states.filter((s) => s.examples !== undefined).map((s) => float32ToBytes(s.examples!));
  const sums = states.filter((s) => s.running !== undefined).map((s) => {
    const bytes = new Uint8Array(s.running!.sum.length * 8);
    const view = new DataView(bytes.buffer);
    s.running!.sum.forEach((v, i) => view.setFloat64(i * 8, v, true));
    return bytes;
  });
  const stateBytes = [...examples, ...sums].reduce((n, b) => n + b.length, 0);
  const weightBytes = new Uint8Array(weights.length + stateBytes);
  weightBytes.set(weights, 0);
  let at = weights.length;
  for (const part of [...examples, ...sums]) {
    weightBytes.set(part, at);
    at += part.length;
  }
  const plugin = (p: { name: string; version?: string }) => (p.version === undefined ? { name: p.name } : { name: p.name, version: p.version });
  const manifest: HeadManifest = {
    format: 'imprint-head',
    formatVersion: withState ? HEAD_FORMAT_VERSION_WITH_STATE : HEAD_FORMAT_VERSION,
    config: { ...pipeline.config },
    plugins: {
      normPre: plugin(pipeline.normPre),
      gen: plugin(pipeline.generator),
      normPost: plugin(pipeline.normPost),
      normInf: plugin(pipeline.normInf),
      agg: plugin(pipeline.aggregator),
    },
    dim: head.dim!,
    classes: head.classes.map((label, i) => {
      const { examples: kept, running } = states[i];
      return { label, proxies: head.proxyCounts[i], ...(kept === undefined ? {} : { examples: kept.length / head.dim! }), ...(running === undefined ? {} : { running: running.count }) };
    }),
    weightBytes: weights.length,
    ...(withState ? { stateBytes } : {}),
    ...(head.keepExamples === undefined ? {} : { keepExamples: { maxRows: head.keepExamples.maxRows } }),
  };
  const json = new TextEncoder().encode(JSON.stringify(manifest));
  const headerLength = 8 + 4 + json.length;
  const padding = (4 - (headerLength % 4)) % 4;
  const bodyLength = headerLength + padding + weightBytes.length;
  const out = new Uint8Array(bodyLength + 4);
  out.set(new TextEncoder().encode(HEAD_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(weightBytes, headerLength + padding);
  view.setUint32(bodyLength, crc32(out.subarray(0, bodyLength)), true);
  return out;
}

function corrupt(reason: string, source: string): ImprintError {
  return new ImprintError('CORRUPT_FILE', `${source} is not a valid saved imprint head: ${reason}`, { source });
}

/** Whether the last 4 bytes are the CRC-32 of the bytes before them (format version 2). */
function wholeFileChecksumMatches(bytes: Uint8Array): boolean {
  if (bytes.length < 16) return false;
  const stored = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bytes.length - 4, true);
  return crc32(bytes.subarray(0, bytes.length - 4)) === stored;
}

/** Options of {@link readHeadManifest} and {@link deserializeImprinter}. */
export interface ReadHeadOptions {
  /**
   * Read format-1 heads, whose manifest (class labels, config, plugins) carries no checksum: a
   * changed byte there — one class label turned into another — would load unnoticed. Check the
   * head's classes after loading it, and save it again to get a format-2 file.
   * @default false
   */
  readonly allowUnverifiedManifest?: boolean;
}

/** Parse and check the manifest of a saved head without building it. */
export function readHeadManifest(bytes: Uint8Array, source = 'the data', { allowUnverifiedManifest = false }: ReadHeadOptions = {}): { manifest: HeadManifest; weights: Float32Array; state: Uint8Array } {
  if (bytes.length < 12) throw corrupt(`only ${bytes.length} bytes, shorter than the header`, source);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== HEAD_MAGIC) throw corrupt('it does not start with the IMPRINT magic bytes', source);
  // Version 2 is recognised by its checksum before anything in it is trusted.
  const checksummed = wholeFileChecksumMatches(bytes);
  const body = checksummed ? bytes.subarray(0, bytes.length - 4) : bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(8, true);
  const mismatch = () => corrupt('it does not match its checksum (a byte was changed, or the file was cut short)', source);
  if (12 + jsonLength > body.length) throw checksummed ? corrupt(`the manifest length ${jsonLength} runs past the end (${bytes.length} bytes)`, source) : mismatch();
  let manifest: HeadManifest;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + jsonLength))) as HeadManifest;
  } catch {
    throw checksummed ? corrupt('the manifest is not valid UTF-8 JSON', source) : mismatch();
  }
  if (typeof manifest !== 'object' || manifest === null || manifest.format !== 'imprint-head') throw checksummed ? corrupt('the manifest is not an imprint-head manifest', source) : mismatch();
  if (!HEAD_FORMAT_VERSIONS_READ.includes(manifest.formatVersion)) {
    throw corrupt(`format version ${String(manifest.formatVersion)} is not supported (this build reads versions ${HEAD_FORMAT_VERSIONS_READ.join(', ')})`, source);
  }
  if (manifest.formatVersion >= 2 && !checksummed) throw mismatch();
  if (manifest.formatVersion === 1 && !allowUnverifiedManifest) {
    throw new ImprintError(
      'UNVERIFIED_FILE',
      `${source} is a format-1 saved head: its manifest (class labels, config) has no checksum, so a changed byte there would relabel classes unnoticed; load it with { allowUnverifiedManifest: true }, check its classes, and save it again to get format ${HEAD_FORMAT_VERSION}`,
      { source, formatVersion: 1 },
    );
  }
  if (!Number.isInteger(manifest.dim) || manifest.dim < 1) throw corrupt(`dim ${String(manifest.dim)} is not a positive integer`, source);
  if (!Array.isArray(manifest.classes) || manifest.classes.length === 0) throw corrupt('it lists no classes', source);
  let rows = 0;
  let keptRows = 0;
  let runningClasses = 0;
  const optionalCount = (value: unknown) => value === undefined || (Number.isInteger(value) && (value as number) >= 1);
  for (const entry of manifest.classes) {
    const labelOk = (typeof entry?.label === 'number' && Number.isFinite(entry.label)) || (typeof entry?.label === 'string' && entry.label.length > 0);
    if (!labelOk || !Number.isInteger(entry.proxies) || entry.proxies < 1 || !optionalCount(entry.examples) || !optionalCount(entry.running)) throw corrupt(`class entry ${JSON.stringify(entry)} is malformed`, source);
    if (manifest.formatVersion < 3 && (entry.examples !== undefined || entry.running !== undefined)) throw corrupt(`class entry ${JSON.stringify(entry)} carries state, which only format 3 has`, source);
    rows += entry.proxies;
    keptRows += entry.examples ?? 0;
    if (entry.running !== undefined) runningClasses++;
  }
  const expectedBytes = rows * manifest.dim * 4;
  if (manifest.weightBytes !== expectedBytes) throw corrupt(`weightBytes ${String(manifest.weightBytes)} does not match ${rows} proxies × ${manifest.dim} dims`, source);
  const expectedState = keptRows * manifest.dim * 4 + runningClasses * manifest.dim * 8;
  if ((manifest.stateBytes ?? 0) !== expectedState) throw corrupt(`stateBytes ${String(manifest.stateBytes)} does not match ${keptRows} kept rows and ${runningClasses} running sums of ${manifest.dim} dims`, source);
  const headerLength = 12 + jsonLength;
  const start = headerLength + ((4 - (headerLength % 4)) % 4);
  if (body.length !== start + expectedBytes + expectedState) {
    throw corrupt(`expected ${start + expectedBytes + expectedState + (checksummed ? 4 : 0)} bytes, found ${bytes.length} (truncated or padded)`, source);
  }
  const weightBytes = body.subarray(start, start + expectedBytes);
  if (manifest.formatVersion === 1 && crc32(weightBytes) !== manifest.crc32) throw corrupt('the weights do not match their checksum', source);
  return { manifest, weights: bytesToFloat32(weightBytes), state: body.subarray(start + expectedBytes) };
}

/** The kept examples and running means of each class of a format-3 head, from the bytes after its weights. */
function classStates(manifest: HeadManifest, state: Uint8Array): ClassState[] {
  const dim = manifest.dim;
  const view = new DataView(state.buffer, state.byteOffset, state.byteLength);
  let at = 0;
  const examples = manifest.classes.map((entry) => {
    if (entry.examples === undefined) return undefined;
    const values = bytesToFloat32(state.subarray(at, at + entry.examples * dim * 4));
    at += entry.examples * dim * 4;
    return values;
  });
  return manifest.classes.map((entry, i) => {
    let running: ClassState['running'];
    if (entry.running !== undefined) {
      const sum = new Float64Array(dim);
      for (let j = 0; j < dim; j++) sum[j] = view.getFloat64(at + j * 8, true);
      at += dim * 8;
      running = { count: entry.running, sum };
    }
    const kept = examples[i];
    return { ...(kept === undefined ? {} : { examples: kept }), ...(running === undefined ? {} : { running }) };
  });
}

/**
 * Rebuild a head from {@link serializeImprinter} bytes. The plugins named in the saved config
 * must be registered in `registry`; the weights are restored exactly, not recomputed.
 */
export function deserializeImprinter(bytes: Uint8Array, registry: Registry, source = 'the data', options: ReadHeadOptions = {}): Imprinter {
  const { manifest, weights, state } = readHeadManifest(bytes, source, options);
  // The saved config was valid when it was saved and is covered by the checksum: keys carried in
  // it (an experiment's data keys) are accepted as they are.
  const head = Imprinter.fromConfig(manifest.config, registry, { extraKeys: Object.keys(manifest.config), ...(manifest.keepExamples === undefined ? {} : { keepExamples: { maxRows: manifest.keepExamples.maxRows } }) });
  // Weights are data: a non-finite one (written by a broken plugin, checksum and all) is refused.
  const at = firstNonFinite(weights);
  if (at >= 0) {
    head.dispose();
    throw new ImprintError('NON_FINITE', `${source}: the saved weights hold a non-finite value (${weights[at]}) at weight ${at}; the head cannot predict`, { at });
  }
  // A plugin of another version may compute differently: the weights load, but say so.
  const { pipeline } = head;
  const now: Record<string, { name: string; version?: string }> = { normPre: pipeline.normPre, gen: pipeline.generator, normPost: pipeline.normPost, normInf: pipeline.normInf, agg: pipeline.aggregator };
  for (const [stage, saved] of Object.entries(manifest.plugins ?? {})) {
    const current = now[stage];
    if (current !== undefined && saved.version !== undefined && current.version !== undefined && saved.version !== current.version) {
      warnOnce(`${source}: saved with ${stage} "${saved.name}" ${saved.version}, loaded with ${current.version}: predictions may differ from those made when it was saved`);
    }
  }
  let row = 0;
  const states = classStates(manifest, state);
  const nonFinite = states.findIndex((s) => (s.examples !== undefined && firstNonFinite(s.examples) >= 0) || (s.running !== undefined && s.running.sum.some((v) => !Number.isFinite(v))));
  if (nonFinite >= 0) {
    head.dispose();
    throw new ImprintError('NON_FINITE', `${source}: the kept examples or running mean of class ${JSON.stringify(manifest.classes[nonFinite].label)} hold a non-finite value`, { label: manifest.classes[nonFinite].label });
  }
  try {
    for (const [i, { label, proxies }] of manifest.classes.entries()) {
      const values = weights.subarray(row * manifest.dim, (row + proxies) * manifest.dim);
      const tensor = tf.tensor2d(values, [proxies, manifest.dim], 'float32');
      try {
        head.restoreClass(label, tensor, states[i]);
      } finally {
        tensor.dispose();
      }
      row += proxies;
    }
  } catch (error) {
    head.dispose();
    if (error instanceof ImprintError && error.code === 'CLASS_EXISTS') throw corrupt('a class label appears twice', source);
    throw error;
  }
  return head;
}
