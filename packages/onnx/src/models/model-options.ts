import { ImprintError, didYouMean, type ImprintErrorCode } from '@imprint/core';
import type { OnnxModelOptions } from './onnx-model.js';

/** Where a set of options came from, to name it in errors: the options file, the model's metadata, or the caller. */
export interface OptionsSource {
  /** e.g. `resnet.onnx.json`, `resnet.onnx metadata_props`, `onnxModel options` */
  readonly name: string;
  /** The file to name in the error's details, when the options live in one. */
  readonly path?: string;
  /** `BAD_FILE` for files (a sidecar, the model's metadata), `INVALID_CONFIG` for options passed in code. */
  readonly code: ImprintErrorCode;
}

const LAYOUTS = ['NCHW', 'NHWC'] as const;
const DEVICES = ['auto', 'cpu', 'webgpu', 'cuda'] as const;

/** Every option and its check; the keys are the keys a sidecar or the metadata may hold. */
const CHECKS: Record<keyof OnnxModelOptions, (value: unknown) => string | undefined> = {
  input: nonEmptyString,
  output: nonEmptyString,
  name: nonEmptyString,
  size: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 4096 ? undefined : 'an integer from 1 to 4096 (pixels per side)'),
  layout: (v) => (LAYOUTS.includes(v as never) ? undefined : `one of ${LAYOUTS.join(', ')}`),
  outputLayout: (v) => (LAYOUTS.includes(v as never) ? undefined : `one of ${LAYOUTS.join(', ')}`),
  mean: (v) => (threeNumbers(v, (x) => Math.abs(x) <= 1e3) ? undefined : 'three finite numbers, one per channel, for pixels scaled to [0, 1] (torchvision: [0.485, 0.456, 0.406])'),
  std: (v) =>
    threeNumbers(v, (x) => x >= 1e-6 && x <= 1e3)
      ? undefined
      : 'three numbers from 1e-6 to 1000, one per channel, for pixels scaled to [0, 1] (torchvision: [0.229, 0.224, 0.225]); smaller ones make every input value overflow',
  threads: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 ? undefined : 'a whole number of threads ≥ 1'),
  device: (v) => (DEVICES.includes(v as never) ? undefined : `one of ${DEVICES.join(', ')}`),
};

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? undefined : 'a non-empty string';
}

function threeNumbers(value: unknown, inRange: (x: number) => boolean): boolean {
  return Array.isArray(value) && value.length === 3 && value.every((x) => typeof x === 'number' && Number.isFinite(x) && inRange(x));
}

/**
 * Check options for `onnxModel` wherever they come from: only known keys (a misspelt one is
 * named, with the key it resembles), each of its type and range. Fails with one error naming the
 * source, the key, the value and what would be valid.
 */
export function validateModelOptions(raw: unknown, source: OptionsSource): OnnxModelOptions {
  const details = source.path === undefined ? {} : { path: source.path };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ImprintError(source.code, `${source.name} must hold an object of onnxModel options, got ${JSON.stringify(raw)}`, details);
  }
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const check = CHECKS[key as keyof OnnxModelOptions];
    if (check === undefined) {
      throw new ImprintError(source.code, `${source.name}: unknown option "${key}"${didYouMean(key, Object.keys(CHECKS))}; options: ${Object.keys(CHECKS).join(', ')}`, { ...details, key });
    }
    const expected = check(value);
    if (expected !== undefined) throw new ImprintError(source.code, `${source.name}: ${key} must be ${expected}, got ${JSON.stringify(value)}`, { ...details, key });
  }
  return raw as OnnxModelOptions;
}
