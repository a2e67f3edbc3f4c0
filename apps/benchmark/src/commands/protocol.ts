import { ImprintError, didYouMean } from '@imprint/core';
import { BACKBONE_NAMES } from '@imprint/backbones';
import { embedDataset, type EmbeddedDataset } from '@imprint/eval';
import type { SelectedEngine } from '@imprint/eval';
import { Progress } from '../progress.js';

/** The five methods of the paper's Table 1 (presets). */
export const TABLE1_METHODS = ['qi2018', 'hosoda2024', 'janson2022', 'imprintKmeans', 'leastSquaresOracle'] as const;
export const PROTOCOL_DATASETS = ['mnist', 'fashion_mnist'] as const;
/**
 * The default protocol of `table1`, `openset` and `incremental`: both MobileNets at their native
 * 224, inception_v3_nsfw (native 299, 3.4× the cost per image) at 224 so that a cold run stays
 * within minutes on 2 cores; `--full` embeds the complete splits at the native sizes.
 */
export const DEFAULT_INPUT_SIZE: Record<string, number> = { mobilenet_v2_140: 224, mobilenet_v2_nsfw: 224, inception_v3_nsfw: 224 };
export const DEFAULT_TRAIN_LIMIT = 2000;
export const DEFAULT_TEST_LIMIT = 1000;

/** `--backbones`: embedded FM names or onnx:PATH (the latter needs the onnx engine). */
export function checkBackbones(backbones: readonly string[], engine: SelectedEngine): void {
  for (const backbone of backbones) {
    if (backbone.startsWith('onnx:')) {
      if (engine.backbones === undefined) throw new ImprintError('UNSUPPORTED', `--backbones ${backbone}: ONNX models run on the onnx engine; install onnxruntime-node and use --engine onnx or auto`);
    } else if (!(BACKBONE_NAMES as readonly string[]).includes(backbone)) {
      throw new ImprintError('UNKNOWN_PLUGIN', `--backbones: unknown backbone ${JSON.stringify(backbone)}${didYouMean(backbone, BACKBONE_NAMES)}; available: ${BACKBONE_NAMES.join(', ')}, or onnx:PATH (an ONNX image model, see docs/onnx-models.md)`);
    }
  }
}

/** Train and test embeddings of one FM × data set at the protocol's sizes (cached; progress bars). */
export async function protocolEmbeddings(backbone: string, dataset: string, { full = false, trainLimit, testLimit }: { full?: boolean; trainLimit?: number; testLimit?: number }, engine: SelectedEngine): Promise<{ train: EmbeddedDataset; test: EmbeddedDataset }> {
  const inputSize = full ? undefined : DEFAULT_INPUT_SIZE[backbone];
  const out: Partial<Record<'train' | 'test', EmbeddedDataset>> = {};
  for (const split of ['train', 'test'] as const) {
    const limit = split === 'train' ? trainLimit : testLimit;
    let progress: Progress | undefined;
    const began = performance.now();
    out[split] = await embedDataset({
      dataset,
      split,
      backbone,
      ...(inputSize === undefined ? {} : { inputSize }),
      ...(limit === undefined ? {} : { limit }),
      ...(engine.backbones === undefined ? {} : { loader: engine.backbones }),
      onProgress: (done, total) => {
        progress ??= new Progress(`embed ${backbone} ${dataset} ${split}`, total, 'images', began);
        progress.update(done);
      },
    });
  }
  return { train: out.train!, test: out.test! };
}
