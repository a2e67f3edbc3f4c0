import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { tfjsConverter, tfjsLayers } from './tfjs-modules.js';
import { ImprintError, type Backbone } from '@imprint/core';
import { toModelInput } from './preprocess.js';

export interface TfjsModelOptions {
  /** A local `model.json` path (or its folder), or an http(s) URL of a `model.json`. */
  source: string;
  /** LayersModel: the layer whose output is the embedding (4-D outputs are pooled globally). */
  outputLayer?: string;
  /** GraphModel: the node whose output is the embedding (4-D outputs are pooled globally). */
  outputNode?: string;
  /** Square input size. */
  inputSize: number;
  /** Map images in [0, 1] (already resized, 3 channels) to the model's input. @default identity */
  preprocess?: (images: tf.Tensor4D) => tf.Tensor4D;
  /** Name of the backbone. @default 'tfjs-model' */
  name?: string;
}

async function localArtifacts(path: string): Promise<tf.io.ModelArtifacts> {
  const file = path.endsWith('.json') ? path : join(path, 'model.json');
  let json: { modelTopology: object; format?: string; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ImprintError('BAD_FILE', `cannot read tf.js model ${file}: ${(error as Error).message}`, { path: file });
  }
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest ?? []) for (const shard of group.paths) buffers.push(await readFile(join(dirname(file), shard)));
  const weightData = new Uint8Array(buffers.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.length;
  }
  return { modelTopology: json.modelTopology, format: json.format, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: weightData.buffer };
}

function pool(output: tf.Tensor): tf.Tensor2D {
  if (output.rank === 4) return tf.mean(output, [1, 2]) as tf.Tensor2D;
  if (output.rank === 2) return output as tf.Tensor2D;
  return tf.reshape(output, [output.shape[0], -1]) as tf.Tensor2D;
}

/**
 * Any tf.js LayersModel or GraphModel as a backbone — a ResNet-50, ViT-B/16 or Swin-B converted
 * with `tensorflowjs_converter`, from a local folder or an http(s) URL — taking embeddings from the
 * named layer (LayersModel) or node (GraphModel).
 */
export async function tfjsModel({ source, outputLayer, outputNode, inputSize, preprocess = (x) => x, name = 'tfjs-model' }: TfjsModelOptions): Promise<Backbone> {
  const remote = /^https?:\/\//.test(source);
  const handler = remote ? tf.io.http(source) : tf.io.fromMemory(await localArtifacts(source));
  const artifacts = remote ? undefined : await handler.load!();
  const format = artifacts?.format;
  let run: (x: tf.Tensor4D) => tf.Tensor;
  let release: () => void;
  const probe = tf.zeros([1, inputSize, inputSize, 3]) as tf.Tensor4D;
  if (format === 'graph-model' || (remote && outputNode !== undefined)) {
    const model = await (await tfjsConverter()).loadGraphModel(remote ? source : tf.io.fromMemory(artifacts!));
    run = (x) => (outputNode === undefined ? (model.predict(x) as tf.Tensor) : (model.execute(x, outputNode) as tf.Tensor));
    release = () => model.dispose();
  } else {
    const layers = await tfjsLayers();
    const full = await layers.loadLayersModel(remote ? source : tf.io.fromMemory(artifacts!));
    const model = outputLayer === undefined ? full : layers.model({ inputs: full.inputs, outputs: full.getLayer(outputLayer).output as tfl.SymbolicTensor });
    run = (x) => model.predict(x) as tf.Tensor;
    release = () => full.dispose();
  }
  const probed = tf.tidy(() => pool(run(preprocess(probe))));
  const dim = probed.shape[1];
  probed.dispose();
  probe.dispose();
  return {
    kind: 'backbone',
    name,
    dim,
    inputSize: [inputSize, inputSize],
    async embed(images) {
      return tf.tidy(() => pool(run(preprocess(toModelInput(images, inputSize)))));
    },
    dispose: release,
  };
}
