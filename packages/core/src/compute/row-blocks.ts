import * as tf from '@tensorflow/tfjs-core';
import { cloneTensor, hostMatrixOf, isMainMemoryBackend } from './matrix.js';

/**
 * Row blocks of a matrix for blocked computations. On the WASM and cpu backends a block is
 * uploaded from one host copy of the matrix, because tf.slice and tf.gather are slow there
 * (tfjs-backend-wasm 4.22, 2 cores: 33 ms to slice 279 × 1280 floats, 160 ms for 6000 × 1280,
 * against a memcpy-speed upload); on other backends (WebGL, tensorflow) blocks are tf.slice views.
 */
export class RowBlocks {
  readonly #matrix: tf.Tensor2D;
  #host: Float32Array | undefined;

  constructor(matrix: tf.Tensor2D) {
    this.#matrix = matrix;
  }

  get rows(): number {
    return this.#matrix.shape[0];
  }

  /** Rows `start … start + size − 1` as a new tensor (caller disposes). */
  block(start: number, size: number): tf.Tensor2D {
    const [rows, dim] = this.#matrix.shape;
    if (start === 0 && size === rows) return cloneTensor(this.#matrix);
    if (!isMainMemoryBackend()) return tf.slice(this.#matrix, [start, 0], [size, dim]);
    this.#host ??= hostMatrixOf(this.#matrix).values;
    return tf.tensor2d(this.#host.subarray(start * dim, (start + size) * dim), [size, dim]);
  }
}
