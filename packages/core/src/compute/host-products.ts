import { kernelSet } from './kernel-set.js';
import type { HostMatrix64, Kernels } from '../contracts/kernels.js';
import type { HostMatrix } from './matrix.js';

export { matMulTransposed64Js } from './reference-kernels.js';

/** `a · bᵀ` (`[n, d] · [m, d]ᵀ → [n, m]`): `kernelSet(kernels).matMulTransposed`. */
export function hostMatMulTransposed(kernels: Kernels, a: HostMatrix, b: HostMatrix): Float32Array {
  return kernelSet(kernels).matMulTransposed(a, b);
}

/** The Gram matrix `xᵀx` `[d, d]`: `kernelSet(kernels).gram`. */
export function hostGram(kernels: Kernels, x: HostMatrix): Float32Array {
  return kernelSet(kernels).gram(x);
}

/** `a · bᵀ` in float64: `kernelSet(kernels).matMulTransposed64`. */
export function hostMatMulTransposed64(kernels: Kernels, a: HostMatrix64, b: HostMatrix64): Float64Array {
  return kernelSet(kernels).matMulTransposed64(a, b);
}
