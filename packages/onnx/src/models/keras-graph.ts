import { ImprintError } from '@imprint/core';
import type { GraphBuilder } from '../graph.js';
import { batchNormAffine, foldAffine, fromConv2D, fromDepthwise, type OnnxConv } from './conv-weights.js';
import { channelAffine, conv2d, pool2d, relu, type Padding } from './layers.js';
import { weight, type NamedWeight } from './weights.js';

/** A layer of a Keras functional model as tf.js stores it in model.json. */
interface KerasLayer {
  readonly class_name: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly inbound_nodes: [string, number, number, unknown][][];
}

export interface KerasTopology {
  readonly model_config: { readonly config: { readonly layers: readonly KerasLayer[] } };
}

const pair = (value: unknown): [number, number] => (Array.isArray(value) ? [Number(value[0]), Number(value[1])] : [Number(value), Number(value)]);

function kerasPadding(config: Record<string, unknown>): Padding {
  const padding = config.padding;
  if (padding === 'same' || padding === 'valid') return padding;
  throw new ImprintError('UNSUPPORTED', `padding ${JSON.stringify(padding)} is not supported`);
}

function activation(graph: GraphBuilder, input: string, name: unknown, layer: string): string {
  if (name === undefined || name === 'linear') return input;
  if (name === 'relu') return relu(graph, input);
  throw new ImprintError('UNSUPPORTED', `layer ${layer}: activation ${JSON.stringify(name)} is not supported`);
}

/**
 * The layers of a Keras functional model (channels-last, as the tf.js Layers format stores it), from
 * its input up to and including `output`, as ONNX nodes on an NCHW input tensor: Conv2D and
 * DepthwiseConv2D (kernels transposed to ONNX layout, depthwise as grouped convolutions, `same`
 * padding as TensorFlow pads), BatchNormalization folded into the convolution before it, ReLU /
 * ReLU6, ZeroPadding2D, max and average pooling, Add and channel Concatenate. Returns the name of
 * the NCHW output of `output`.
 */
export function kerasToOnnx(graph: GraphBuilder, topology: KerasTopology, weights: ReadonlyMap<string, NamedWeight>, input: string, output: string): string {
  const layers = topology.model_config.config.layers;
  const consumers = new Map<string, string[]>();
  for (const layer of layers) for (const [from] of layer.inbound_nodes[0] ?? []) consumers.set(from, [...(consumers.get(from) ?? []), layer.name]);
  const byName = new Map(layers.map((l) => [l.name, l]));
  const tensors = new Map<string, string>();
  /** Convolutions waiting for the batch normalisation that follows them (folded when it comes). */
  const pending = new Map<string, { input: string; conv: OnnxConv; strides: [number, number]; padding: Padding; dilations: [number, number]; activation: unknown }>();
  const inputOf = (layer: KerasLayer, index = 0) => {
    const from = layer.inbound_nodes[0]?.[index]?.[0];
    const name = from === undefined ? undefined : tensors.get(from);
    if (name === undefined) throw new ImprintError('CORRUPT_FILE', `layer ${layer.name}: input ${String(from)} is not available`);
    return name;
  };
  const emitPending = (name: string) => {
    const p = pending.get(name)!;
    pending.delete(name);
    tensors.set(name, activation(graph, conv2d(graph, p.input, p.conv, p.strides, p.padding, p.dilations), p.activation, name));
  };
  for (const layer of layers) {
    const { config } = layer;
    switch (layer.class_name) {
      case 'InputLayer':
        tensors.set(layer.name, input);
        break;
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const conv = layer.class_name === 'Conv2D'
          ? fromConv2D(weight(weights, `${layer.name}/kernel`), config.use_bias ? weight(weights, `${layer.name}/bias`) : undefined)
          : fromDepthwise(weight(weights, `${layer.name}/depthwise_kernel`), config.use_bias ? weight(weights, `${layer.name}/bias`) : undefined);
        pending.set(layer.name, { input: inputOf(layer), conv, strides: pair(config.strides), padding: kerasPadding(config), dilations: pair(config.dilation_rate ?? 1), activation: config.activation });
        const next = consumers.get(layer.name) ?? [];
        const foldable = next.length === 1 && byName.get(next[0])?.class_name === 'BatchNormalization' && (config.activation === undefined || config.activation === 'linear');
        if (!foldable || layer.name === output) emitPending(layer.name);
        break;
      }
      case 'BatchNormalization': {
        const from = layer.inbound_nodes[0][0][0];
        const epsilon = Number(config.epsilon ?? 1e-3);
        const mean = weight(weights, `${layer.name}/moving_mean`);
        const moments = {
          mean,
          variance: weight(weights, `${layer.name}/moving_variance`),
          ...(config.scale === false ? {} : { gamma: weight(weights, `${layer.name}/gamma`) }),
          ...(config.center === false ? {} : { beta: weight(weights, `${layer.name}/beta`) }),
        };
        const { scale, shift } = batchNormAffine(mean.values.length, epsilon, moments);
        const waiting = pending.get(from);
        if (waiting !== undefined) {
          pending.delete(from);
          tensors.set(layer.name, conv2d(graph, waiting.input, foldAffine(waiting.conv, scale, shift), waiting.strides, waiting.padding, waiting.dilations));
        } else tensors.set(layer.name, channelAffine(graph, inputOf(layer), scale, shift));
        break;
      }
      case 'ReLU': {
        const max = config.max_value === null || config.max_value === undefined ? undefined : Number(config.max_value);
        if (Number(config.negative_slope ?? 0) !== 0 || Number(config.threshold ?? 0) !== 0) throw new ImprintError('UNSUPPORTED', `layer ${layer.name}: leaky or thresholded ReLU is not supported`);
        tensors.set(layer.name, relu(graph, inputOf(layer), max));
        break;
      }
      case 'Activation':
        tensors.set(layer.name, activation(graph, inputOf(layer), config.activation, layer.name));
        break;
      case 'ZeroPadding2D': {
        const [[top, bottom], [left, right]] = config.padding as [[number, number], [number, number]];
        tensors.set(layer.name, graph.op('Pad', [inputOf(layer), graph.constant([0, 0, top, left, 0, 0, bottom, right], [8], 'int64')], { mode: 'constant' }));
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D':
        tensors.set(layer.name, pool2d(graph, layer.class_name === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool', inputOf(layer), pair(config.pool_size), pair(config.strides ?? config.pool_size), kerasPadding(config)));
        break;
      case 'Add':
        tensors.set(layer.name, layer.inbound_nodes[0].slice(1).reduce((sum, _, i) => graph.op('Add', [sum, inputOf(layer, i + 1)]), inputOf(layer, 0)));
        break;
      case 'Concatenate': {
        const axis = Number(config.axis ?? -1);
        if (axis !== -1 && axis !== 3) throw new ImprintError('UNSUPPORTED', `layer ${layer.name}: concatenation along axis ${axis} is not supported (channels only)`);
        tensors.set(layer.name, graph.op('Concat', layer.inbound_nodes[0].map((_, i) => inputOf(layer, i)), { axis: 1 }));
        break;
      }
      default:
        throw new ImprintError('UNSUPPORTED', `layer ${layer.name}: Keras layer ${layer.class_name} is not supported by the ONNX converter`);
    }
    if (layer.name === output) {
      if (pending.has(layer.name)) emitPending(layer.name);
      return tensors.get(layer.name)!;
    }
  }
  throw new ImprintError('CORRUPT_FILE', `the model has no layer "${output}"`);
}
