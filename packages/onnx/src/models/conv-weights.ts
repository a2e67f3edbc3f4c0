import type { NamedWeight } from './weights.js';

/** A convolution in ONNX layout: weights `[out, in / group, kh, kw]` and a bias per output channel. */
export interface OnnxConv {
  readonly weights: Float32Array;
  readonly shape: readonly [number, number, number, number];
  readonly bias: Float32Array;
  readonly group: number;
}

/** A TensorFlow/Keras Conv2D kernel `[kh, kw, in, out]` as ONNX `[out, in, kh, kw]`, with bias (zeros if none). */
export function fromConv2D(kernel: NamedWeight, bias?: NamedWeight): OnnxConv {
  const [kh, kw, cin, cout] = kernel.shape;
  const weights = new Float32Array(kernel.values.length);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) weights[((o * cin + i) * kh + y) * kw + x] = kernel.values[((y * kw + x) * cin + i) * cout + o];
  return { weights, shape: [cout, cin, kh, kw], bias: bias === undefined ? new Float32Array(cout) : Float32Array.from(bias.values), group: 1 };
}

/**
 * A depthwise kernel `[kh, kw, in, multiplier]` as an ONNX grouped convolution `[in · m, 1, kh, kw]`
 * with `group = in` (output channel `c · m + j` reads input channel `c`, as TensorFlow orders them).
 */
export function fromDepthwise(kernel: NamedWeight, bias?: NamedWeight): OnnxConv {
  const [kh, kw, cin, multiplier] = kernel.shape;
  const cout = cin * multiplier;
  const weights = new Float32Array(kernel.values.length);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let c = 0; c < cin; c++) for (let j = 0; j < multiplier; j++) weights[((c * multiplier + j) * kh + y) * kw + x] = kernel.values[((y * kw + x) * cin + c) * multiplier + j];
  return { weights, shape: [cout, 1, kh, kw], bias: bias === undefined ? new Float32Array(cout) : Float32Array.from(bias.values), group: cin };
}

/** Batch normalisation `γ (x − μ) / √(σ² + ε) + β` as per-channel `scale · x + shift`. */
export function batchNormAffine(channels: number, epsilon: number, moments: { gamma?: NamedWeight; beta?: NamedWeight; mean: NamedWeight; variance: NamedWeight }): { scale: Float32Array; shift: Float32Array } {
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const s = (moments.gamma?.values[c] ?? 1) / Math.sqrt(moments.variance.values[c] + epsilon);
    scale[c] = s;
    shift[c] = (moments.beta?.values[c] ?? 0) - moments.mean.values[c] * s;
  }
  return { scale, shift };
}

/** A convolution followed by a per-channel affine map, folded into one convolution (computed in float64). */
export function foldAffine(conv: OnnxConv, scale: Float32Array, shift: Float32Array): OnnxConv {
  const [cout] = conv.shape;
  const perChannel = conv.weights.length / cout;
  const weights = new Float32Array(conv.weights.length);
  const bias = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    for (let i = 0; i < perChannel; i++) weights[o * perChannel + i] = conv.weights[o * perChannel + i] * scale[o];
    bias[o] = conv.bias[o] * scale[o] + shift[o];
  }
  return { ...conv, weights, bias };
}
