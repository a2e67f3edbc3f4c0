import * as tf from '@tensorflow/tfjs-core';
import { hostMatrixOf, isMainMemoryBackend, tensorFromHost } from '../compute/matrix.js';
import type { ProxySet } from '../contracts/proxy-set.js';


/**
 * One tensor of `parts` stacked by rows; the parts are disposed. On main-memory backends the rows
 * are gathered on the host and uploaded once after the parts are freed, so the backend never
 * holds the weights twice (the WASM heap does not shrink after a peak); elsewhere tf.concat.
 */
function pack(parts: tf.Tensor2D[]): tf.Tensor2D {
  const dim = parts[0].shape[1];
  const rows = parts.reduce((n, t) => n + t.shape[0], 0);
  if (!isMainMemoryBackend()) {
    const packed = tf.concat(parts, 0) as tf.Tensor2D;
    parts.forEach((t) => t.dispose());
    return packed;
  }
  const values = new Float32Array(rows * dim);
  let offset = 0;
  for (const part of parts) {
    values.set(hostMatrixOf(part).values, offset);
    offset += part.size;
    part.dispose();
  }
  return tensorFromHost(values, rows, dim);
}

/**
 * The stored weights of a head: the proxies of each class, in class order, kept as one packed
 * `[P, d]` tensor. Classes appended since the last use wait in a pending list and are packed with
 * one concatenation when the weights are next needed, so a batch of classes costs one copy and
 * the head holds its weights once (not per class and again packed).
 */
export class WeightStore {
  #packed: tf.Tensor2D | undefined;
  #counts: number[] = [];
  #pending: tf.Tensor2D[] = [];
  #view: ProxySet | undefined;

  get numClasses(): number {
    return this.#counts.length;
  }

  /** Proxies per class, in class order. */
  get counts(): number[] {
    return [...this.#counts];
  }

  /** Append one class's proxies `[p, d]`; the store takes ownership of the tensor. */
  append(proxies: tf.Tensor2D): void {
    this.#pending.push(proxies);
    this.#counts.push(proxies.shape[0]);
    this.#view = undefined;
  }

  /**
   * All weights with their class offsets. The object (and its `weights` tensor) stays the same
   * until the store changes, so kernels may cache what they derive from it; it is owned by the
   * store: do not dispose it.
   */
  proxySet(): ProxySet {
    if (this.#view !== undefined) return this.#view;
    if (this.#pending.length > 0) {
      const parts = this.#packed === undefined ? this.#pending : [this.#packed, ...this.#pending];
      // kept: packing may happen inside a caller's tf.tidy (a normalizer reading its reference)
      this.#packed = parts.length === 1 ? parts[0] : tf.keep(pack(parts));
      this.#pending = [];
    }
    const offsets = new Int32Array(this.#counts.length + 1);
    this.#counts.forEach((count, i) => (offsets[i + 1] = offsets[i] + count));
    this.#view = { weights: this.#packed!, classOffsets: offsets, numClasses: this.#counts.length };
    return this.#view;
  }

  /** A copy of the proxies of class `index` (caller disposes). */
  rowsOf(index: number): tf.Tensor2D {
    const { weights, classOffsets } = this.proxySet();
    return tf.slice(weights, [classOffsets[index], 0], [this.#counts[index], weights.shape[1]]);
  }

  /** Drop class `index` and its proxies. */
  remove(index: number): void {
    const { weights, classOffsets } = this.proxySet();
    const dim = weights.shape[1];
    const start = classOffsets[index];
    const end = classOffsets[index + 1];
    const total = weights.shape[0];
    this.#counts.splice(index, 1);
    this.#view = undefined;
    if (this.#counts.length === 0) {
      weights.dispose();
      this.#packed = undefined;
      return;
    }
    this.#packed = tf.keep(tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      if (start > 0) parts.push(tf.slice(weights, [0, 0], [start, dim]));
      if (end < total) parts.push(tf.slice(weights, [end, 0], [total - end, dim]));
      return parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as tf.Tensor2D);
    }));
    weights.dispose();
  }

  /**
   * The weights of the classes before class `index` (a copy, caller disposes), or undefined for the
   * first class: the reference a NORMpost such as quantile saw when that class was stored.
   */
  rowsBefore(index: number): tf.Tensor2D | undefined {
    if (index === 0) return undefined;
    const { weights, classOffsets } = this.proxySet();
    return tf.slice(weights, [0, 0], [classOffsets[index], weights.shape[1]]);
  }

  /** Put `proxies` `[p, d]` in place of class `index`'s proxies; the store takes ownership of the tensor. */
  replace(index: number, proxies: tf.Tensor2D): void {
    const { weights, classOffsets } = this.proxySet();
    const dim = weights.shape[1];
    const start = classOffsets[index];
    const end = classOffsets[index + 1];
    const total = weights.shape[0];
    const parts: tf.Tensor2D[] = [];
    if (start > 0) parts.push(tf.slice(weights, [0, 0], [start, dim]));
    parts.push(proxies);
    if (end < total) parts.push(tf.slice(weights, [end, 0], [total - end, dim]));
    this.#packed = parts.length === 1 ? parts[0] : tf.keep(pack(parts));
    weights.dispose();
    this.#counts[index] = proxies.shape[0];
    this.#view = undefined;
  }

  /** Free every tensor; the store is empty afterwards. */
  clear(): void {
    this.#packed?.dispose();
    this.#pending.forEach((t) => t.dispose());
    this.#packed = undefined;
    this.#pending = [];
    this.#counts = [];
    this.#view = undefined;
  }
}
