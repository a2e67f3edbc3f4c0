import { ImprintError } from '@imprint/core';
import type { GraphBuilder } from '../graph.js';
import { fromConv2D, fromDepthwise } from './conv-weights.js';
import { conv2d, relu, type Padding } from './layers.js';
import { weight, type NamedWeight } from './weights.js';

/** A node of a TensorFlow GraphDef as tf.js stores it in model.json. */
interface TfNode {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Record<string, { list?: { i?: string[]; s?: string[] }; s?: string; f?: number; i?: string } | undefined>;
}

export interface TfGraphTopology {
  readonly node: readonly TfNode[];
}

const text = (base64: string | undefined) => (base64 === undefined ? undefined : Buffer.from(base64, 'base64').toString('utf8'));

function strides(node: TfNode): [number, number] {
  const s = node.attr?.strides?.list?.i?.map(Number) ?? [1, 1, 1, 1];
  return [s[1], s[2]];
}

function dilations(node: TfNode): [number, number] {
  const d = node.attr?.dilations?.list?.i?.map(Number) ?? [1, 1, 1, 1];
  return [d[1], d[2]];
}

function padding(node: TfNode): Padding {
  const value = text(node.attr?.padding?.s);
  if (value === 'SAME') return 'same';
  if (value === 'VALID') return 'valid';
  throw new ImprintError('UNSUPPORTED', `node ${node.name}: padding ${String(value)} is not supported`);
}

/**
 * A TensorFlow graph (the tf.js GraphModel format, NHWC) from its placeholder up to node `output`
 * as ONNX nodes on an NCHW input: `_FusedConv2D` and `FusedDepthwiseConv2dNative` with their fused
 * BiasAdd / Relu / Relu6 (batch normalisation is already folded into these by the TensorFlow
 * converter), AddV2, and Mul / Sub with scalar constants (input scaling). Returns the NCHW output.
 */
export function tfGraphToOnnx(graph: GraphBuilder, topology: TfGraphTopology, weights: ReadonlyMap<string, NamedWeight>, input: string, output: string): string {
  const tensors = new Map<string, string>();
  const constant = (name: string) => weights.get(name);
  const inputOf = (node: TfNode, index: number) => {
    const from = node.input?.[index];
    const name = from === undefined ? undefined : tensors.get(from);
    if (name === undefined) throw new ImprintError('CORRUPT_FILE', `node ${node.name}: input ${String(from)} is not available`);
    return name;
  };
  const scalarOf = (node: TfNode): { tensor: string; value: number } => {
    // one input is a computed tensor, the other a scalar constant
    const [a, b] = node.input ?? [];
    const ca = constant(a);
    const cb = constant(b);
    if (ca !== undefined && ca.values.length === 1 && tensors.has(b)) return { tensor: tensors.get(b)!, value: ca.values[0] };
    if (cb !== undefined && cb.values.length === 1 && tensors.has(a)) return { tensor: tensors.get(a)!, value: cb.values[0] };
    throw new ImprintError('UNSUPPORTED', `node ${node.name}: ${node.op} is supported with a scalar constant only`);
  };
  for (const node of topology.node) {
    switch (node.op) {
      case 'Const':
        break;
      case 'Placeholder':
        tensors.set(node.name, input);
        break;
      case 'Mul':
      case 'Sub': {
        const { tensor, value } = scalarOf(node);
        const reversed = node.op === 'Sub' && constant(node.input![0]) !== undefined;
        const scalar = graph.constant([value], []);
        tensors.set(node.name, graph.op(node.op, reversed ? [scalar, tensor] : [tensor, scalar]));
        break;
      }
      case '_FusedConv2D':
      case 'FusedDepthwiseConv2dNative': {
        const fused = (node.attr?.fused_ops?.list?.s ?? []).map((s) => text(s));
        const [, kernelName, biasName] = node.input ?? [];
        const kernel = weight(weights, kernelName);
        const bias = fused.includes('BiasAdd') ? weight(weights, biasName) : undefined;
        const conv = node.op === '_FusedConv2D' ? fromConv2D(kernel, bias) : fromDepthwise(kernel, bias);
        let out = conv2d(graph, inputOf(node, 0), conv, strides(node), padding(node), dilations(node));
        for (const op of fused) {
          if (op === 'BiasAdd') continue;
          if (op === 'Relu') out = relu(graph, out);
          else if (op === 'Relu6') out = relu(graph, out, 6);
          else throw new ImprintError('UNSUPPORTED', `node ${node.name}: fused op ${String(op)} is not supported`);
        }
        tensors.set(node.name, out);
        break;
      }
      case 'AddV2':
      case 'Add':
        tensors.set(node.name, graph.op('Add', [inputOf(node, 0), inputOf(node, 1)]));
        break;
      default:
        throw new ImprintError('UNSUPPORTED', `node ${node.name}: TensorFlow op ${node.op} is not supported by the ONNX converter`);
    }
    if (node.name === output) return tensors.get(node.name)!;
  }
  throw new ImprintError('CORRUPT_FILE', `the graph has no node "${output}"`);
}
