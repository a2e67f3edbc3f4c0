import { ImprintError } from '@imprint/core';

/** One weight of a tf.js model, decoded to float32. */
export interface NamedWeight {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/** A tf.js weight manifest entry (`model.json` → `weightsManifest[].weights[]`). */
export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: { readonly dtype: 'uint8' | 'uint16' | 'float16'; readonly min?: number; readonly scale?: number };
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/**
 * Decode the weight buffer of a tf.js model (float32, or quantized to uint8/uint16 with
 * `value = q · scale + min`, or float16) into named float32 arrays, as `tf.io.decodeWeights` does —
 * without a tf.js backend.
 */
export function decodeWeights(buffer: ArrayBuffer, specs: readonly WeightSpec[]): Map<string, NamedWeight> {
  const out = new Map<string, NamedWeight>();
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(count);
    const q = spec.quantization;
    if (spec.dtype !== 'float32') throw new ImprintError('UNSUPPORTED', `weight ${spec.name}: dtype ${spec.dtype} is not supported (float32 only)`);
    if (q === undefined) {
      values.set(new Float32Array(buffer.slice(offset, offset + count * 4)));
      offset += count * 4;
    } else if (q.dtype === 'uint8') {
      const raw = new Uint8Array(buffer, offset, count);
      for (let i = 0; i < count; i++) values[i] = raw[i] * q.scale! + q.min!;
      offset += count;
    } else if (q.dtype === 'uint16') {
      const raw = new Uint16Array(buffer.slice(offset, offset + count * 2));
      for (let i = 0; i < count; i++) values[i] = raw[i] * q.scale! + q.min!;
      offset += count * 2;
    } else if (q.dtype === 'float16') {
      const raw = new Uint16Array(buffer.slice(offset, offset + count * 2));
      for (let i = 0; i < count; i++) values[i] = halfToFloat(raw[i]);
      offset += count * 2;
    } else throw new ImprintError('UNSUPPORTED', `weight ${spec.name}: quantization ${String((q as { dtype: string }).dtype)} is not supported`);
    out.set(spec.name, { values, shape: spec.shape });
  }
  if (offset !== buffer.byteLength) throw new ImprintError('CORRUPT_FILE', `the weight buffer holds ${buffer.byteLength} bytes, the manifest describes ${offset}`);
  return out;
}

/** A weight by name, or a typed error naming what the model lacks. */
export function weight(weights: ReadonlyMap<string, NamedWeight>, name: string): NamedWeight {
  const found = weights.get(name);
  if (found === undefined) throw new ImprintError('CORRUPT_FILE', `the model has no weight "${name}"`);
  return found;
}
