import { Imprinter, ImprintError, calibrateRejection, createRng, deriveSeed, type ConfidenceMeasure, type ImprintConfigInput, type Registry } from '@imprint/core';
import type { EmbeddingSet } from '../embedding-set.js';
import { auroc } from '../metrics.js';
import { requireClasses, rowsWhere } from './protocol-data.js';

export interface OpenSetOptions {
  readonly train: EmbeddingSet;
  readonly test: EmbeddingSet;
  /** The classes the head learns; test samples of every other class are unknowns. */
  readonly known: readonly number[];
  readonly config: ImprintConfigInput;
  readonly registry: Registry;
  /** Share of known-class calibration samples the threshold may reject. @default 0.05 */
  readonly falseRejectRate?: number;
  /** Share of each known class's train samples held out for calibration. @default 0.2 */
  readonly calibrationShare?: number;
  /**
   * The confidence the threshold is set on; `auto`: `distance-margin` for distance-based heads
   * (`mnn`, whose vote counts barely rank queries), else `score`. @default 'auto'
   */
  readonly by?: ConfidenceMeasure | 'auto';
  /** Seeds the calibration split and the method's randomness. @default 0 */
  readonly seed?: number;
}

export interface OpenSetResult {
  /** Known (positive) against unknown test samples by confidence. */
  readonly auroc: number;
  /** Percent of known test samples classified correctly without rejection (closed set). */
  readonly closedSetAccuracy: number;
  /** Percent of all test samples right at the calibrated threshold: known ones classified correctly and kept, unknown ones rejected. */
  readonly openSetAccuracy: number;
  /** Percent of known test samples rejected (the calibrated false-reject rate, measured). */
  readonly knownRejected: number;
  /** Percent of unknown test samples rejected. */
  readonly unknownRejected: number;
  readonly threshold: number;
  readonly proxies: number;
  /** The confidence measure used (`auto` resolved). */
  readonly by: ConfidenceMeasure;
}

/**
 * The standard open-set protocol for one method: imprint the known classes on their train samples
 * minus a calibration share, set the rejection threshold for the target false-reject rate on that
 * share, then test on every test sample (unknown classes included).
 */
export async function runOpenSet({ train, test, known, config, registry, falseRejectRate = 0.05, calibrationShare = 0.2, by: asked = 'auto', seed = 0 }: OpenSetOptions): Promise<OpenSetResult> {
  if (!(calibrationShare > 0 && calibrationShare < 1)) throw new ImprintError('INVALID_CONFIG', `calibrationShare must be between 0 and 1, got ${calibrationShare}`);
  const knownSet = new Set(known);
  requireClasses(train, known, 'the train set');
  const rng = createRng(deriveSeed(seed, 'open-set calibration'));
  const held = new Set<number>();
  for (const c of known) {
    const rows: number[] = [];
    train.labels.forEach((label, r) => label === c && rows.push(r));
    const count = Math.max(1, Math.min(rows.length - 1, Math.round(rows.length * calibrationShare)));
    for (let i = 0; i < count; i++) {
      const j = i + rng.int(rows.length - i);
      [rows[i], rows[j]] = [rows[j], rows[i]];
      held.add(rows[i]);
    }
  }
  const fit = rowsWhere(train, (label, r) => knownSet.has(label) && !held.has(r));
  const calibration = rowsWhere(train, (label, r) => knownSet.has(label) && held.has(r));
  const unknownTest = test.labels.filter((l) => !knownSet.has(l)).length;
  if (unknownTest === 0) throw new ImprintError('INVALID_INPUT', 'the test set has no samples of an unknown class; give known classes that leave some out');
  const head = Imprinter.fromConfig({ ...config, seed }, registry);
  const by: ConfidenceMeasure = asked !== 'auto' ? asked : head.pipeline.aggregator.classDistances !== undefined ? 'distance-margin' : 'score';
  try {
    await head.imprint({ data: fit.embeddings, shape: fit.shape }, Array.from(fit.labels));
    const reject = calibrateRejection(head, { data: calibration.embeddings, shape: calibration.shape }, { falseRejectRate, by });
    const queries = { data: test.embeddings, shape: test.shape };
    const confidence = head.confidence(queries, by);
    const predicted = head.predict(queries);
    const positives: number[] = [];
    const negatives: number[] = [];
    let closedCorrect = 0;
    let openCorrect = 0;
    let knownRejected = 0;
    let unknownRejected = 0;
    test.labels.forEach((label, r) => {
      const rejected = confidence[r] < reject.threshold;
      if (knownSet.has(label)) {
        positives.push(confidence[r]);
        if (predicted[r] === label) closedCorrect++;
        if (rejected) knownRejected++;
        else if (predicted[r] === label) openCorrect++;
      } else {
        negatives.push(confidence[r]);
        if (rejected) {
          unknownRejected++;
          openCorrect++;
        }
      }
    });
    return {
      auroc: auroc(positives, negatives),
      closedSetAccuracy: (100 * closedCorrect) / positives.length,
      openSetAccuracy: (100 * openCorrect) / test.labels.length,
      knownRejected: (100 * knownRejected) / positives.length,
      unknownRejected: (100 * unknownRejected) / negatives.length,
      threshold: reject.threshold,
      proxies: head.proxyCounts.reduce((a, b) => a + b, 0),
      by,
    };
  } finally {
    head.dispose();
  }
}
