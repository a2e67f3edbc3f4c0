import * as tf from '@tensorflow/tfjs-core';
import { crc32 } from './crc32.js';
import { ImprintError } from './errors.js';
import { Imprinter } from './imprinter.js';
import type { Label } from './labels.js';
import type { Registry } from './registry.js';

/**
 * The saved-head format, one self-contained byte string:
 *
 * ```
 * "IMPRINT\0"  8 bytes magic
 * uint32 LE    byte length J of the manifest
 * J bytes      manifest, UTF-8 JSON (config, plugin names/versions, dim, classes, checksum)
 * 0–3 bytes    zero padding to a multiple of 4
 * float32 LE   all stored weights, class after class, row-major
 * ```
 *
 * The weights are the float32 values of the head, so a round trip is exact. A CRC-32 of the
 * weight bytes in the manifest catches truncation and bit rot.
 */
export const HEAD_MAGIC = 'IMPRINT\0';
export const HEAD_FORMAT_VERSION = 1;

export interface HeadManifest {
  readonly format: 'imprint-head';
  readonly formatVersion: number;
  readonly config: Record<string, unknown>;
  readonly plugins: Record<string, { name: string; version?: string }>;
  readonly dim: number;
  readonly classes: { label: Label; proxies: number }[];
  readonly weightBytes: number;
  readonly crc32: number;
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
  const weightBytes = float32ToBytes(proxySet.weights.dataSync() as Float32Array);
  const plugin = (p: { name: string; version?: string }) => (p.version === undefined ? { name: p.name } : { name: p.name, version: p.version });
  const manifest: HeadManifest = {
    format: 'imprint-head',
    formatVersion: HEAD_FORMAT_VERSION,
    config: { ...pipeline.config },
    plugins: {
      normPre: plugin(pipeline.normPre),
      gen: plugin(pipeline.generator),
      normPost: plugin(pipeline.normPost),
      normInf: plugin(pipeline.normInf),
      agg: plugin(pipeline.aggregator),
    },
    dim: head.dim!,
    classes: head.classes.map((label, i) => ({ label, proxies: head.proxyCounts[i] })),
    weightBytes: weightBytes.length,
    crc32: crc32(weightBytes),
  };
  const json = new TextEncoder().encode(JSON.stringify(manifest));
  const headerLength = 8 + 4 + json.length;
  const padding = (4 - (headerLength % 4)) % 4;
  const out = new Uint8Array(headerLength + padding + weightBytes.length);
  out.set(new TextEncoder().encode(HEAD_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(weightBytes, headerLength + padding);
  return out;
}

function corrupt(reason: string, source: string): ImprintError {
  return new ImprintError('CORRUPT_FILE', `${source} is not a valid saved imprint head: ${reason}`, { source });
}

/** Parse and check the manifest of a saved head without building it. */
export function readHeadManifest(bytes: Uint8Array, source = 'the data'): { manifest: HeadManifest; weights: Float32Array } {
  if (bytes.length < 12) throw corrupt(`only ${bytes.length} bytes, shorter than the header`, source);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== HEAD_MAGIC) throw corrupt('it does not start with the IMPRINT magic bytes', source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(8, true);
  if (12 + jsonLength > bytes.length) throw corrupt(`the manifest length ${jsonLength} runs past the end (${bytes.length} bytes)`, source);
  let manifest: HeadManifest;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + jsonLength))) as HeadManifest;
  } catch {
    throw corrupt('the manifest is not valid UTF-8 JSON', source);
  }
  if (typeof manifest !== 'object' || manifest === null || manifest.format !== 'imprint-head') throw corrupt('the manifest is not an imprint-head manifest', source);
  if (manifest.formatVersion !== HEAD_FORMAT_VERSION) {
    throw corrupt(`format version ${String(manifest.formatVersion)} is not supported (this build reads version ${HEAD_FORMAT_VERSION})`, source);
  }
  if (!Number.isInteger(manifest.dim) || manifest.dim < 1) throw corrupt(`dim ${String(manifest.dim)} is not a positive integer`, source);
  if (!Array.isArray(manifest.classes) || manifest.classes.length === 0) throw corrupt('it lists no classes', source);
  let rows = 0;
  for (const entry of manifest.classes) {
    const labelOk = (typeof entry?.label === 'number' && Number.isFinite(entry.label)) || (typeof entry?.label === 'string' && entry.label.length > 0);
    if (!labelOk || !Number.isInteger(entry.proxies) || entry.proxies < 1) throw corrupt(`class entry ${JSON.stringify(entry)} is malformed`, source);
    rows += entry.proxies;
  }
  const expectedBytes = rows * manifest.dim * 4;
  if (manifest.weightBytes !== expectedBytes) throw corrupt(`weightBytes ${String(manifest.weightBytes)} does not match ${rows} proxies × ${manifest.dim} dims`, source);
  const headerLength = 12 + jsonLength;
  const start = headerLength + ((4 - (headerLength % 4)) % 4);
  if (bytes.length !== start + expectedBytes) {
    throw corrupt(`expected ${start + expectedBytes} bytes, found ${bytes.length} (truncated or padded)`, source);
  }
  const weightBytes = bytes.subarray(start);
  if (crc32(weightBytes) !== manifest.crc32) throw corrupt('the weights do not match their checksum', source);
  return { manifest, weights: bytesToFloat32(weightBytes) };
}

/**
 * Rebuild a head from {@link serializeImprinter} bytes. The plugins named in the saved config
 * must be registered in `registry`; the weights are restored exactly, not recomputed.
 */
export function deserializeImprinter(bytes: Uint8Array, registry: Registry, source = 'the data'): Imprinter {
  const { manifest, weights } = readHeadManifest(bytes, source);
  const head = Imprinter.fromConfig(manifest.config, registry);
  let row = 0;
  try {
    for (const { label, proxies } of manifest.classes) {
      const values = weights.subarray(row * manifest.dim, (row + proxies) * manifest.dim);
      const tensor = tf.tensor2d(values, [proxies, manifest.dim], 'float32');
      try {
        head.restoreClass(label, tensor);
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
