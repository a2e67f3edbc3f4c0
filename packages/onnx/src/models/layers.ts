import type { GraphBuilder } from '../graph.js';
import type { OnnxConv } from './conv-weights.js';

export type Padding = 'same' | 'valid' | readonly [top: number, left: number, bottom: number, right: number];

function paddingAttributes(padding: Padding): Record<string, string | readonly number[]> {
  if (padding === 'same') return { auto_pad: 'SAME_UPPER' }; // TensorFlow's SAME: any odd pixel goes at the end
  if (padding === 'valid') return { auto_pad: 'VALID' };
  return { pads: [padding[0], padding[1], padding[2], padding[3]] };
}

/** A 2-D convolution (NCHW) with its weights as constants; returns the output name. */
export function conv2d(graph: GraphBuilder, input: string, conv: OnnxConv, strides: readonly [number, number], padding: Padding, dilations: readonly [number, number] = [1, 1]): string {
  const w = graph.constant(conv.weights, conv.shape);
  const b = graph.constant(conv.bias, [conv.shape[0]]);
  return graph.op('Conv', [input, w, b], { kernel_shape: [conv.shape[2], conv.shape[3]], strides, dilations, group: conv.group, ...paddingAttributes(padding) });
}

/** Max or average pooling (NCHW); average pooling does not count padded cells (TensorFlow's SAME). */
export function pool2d(graph: GraphBuilder, kind: 'MaxPool' | 'AveragePool', input: string, size: readonly [number, number], strides: readonly [number, number], padding: Padding): string {
  return graph.op(kind, [input], { kernel_shape: size, strides, ...paddingAttributes(padding), ...(kind === 'AveragePool' ? { count_include_pad: 0 } : {}) });
}

/** ReLU capped at `max` (ReLU6: max = 6), or plain ReLU. */
export function relu(graph: GraphBuilder, input: string, max?: number): string {
  if (max === undefined) return graph.op('Relu', [input]);
  return graph.op('Clip', [input, graph.constant([0], []), graph.constant([max], [])]);
}

/** Per-channel `scale · x + shift` on an NCHW tensor. */
export function channelAffine(graph: GraphBuilder, input: string, scale: Float32Array, shift: Float32Array): string {
  const shape = [1, scale.length, 1, 1];
  return graph.op('Add', [graph.op('Mul', [input, graph.constant(scale, shape)]), graph.constant(shift, shape)]);
}

/** Global average pooling of an NCHW feature map to `[b, channels]`. */
export function globalAveragePool(graph: GraphBuilder, input: string): string {
  return graph.op('Flatten', [graph.op('GlobalAveragePool', [input])], { axis: 1 });
}
