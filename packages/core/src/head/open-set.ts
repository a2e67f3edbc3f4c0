import { ImprintError } from '../util/errors.js';
import type { EmbeddingInput } from '../compute/matrix.js';

/** The label `predict(…, { reject })` returns for a query it rejects as of no known class. */
export const UNKNOWN: unique symbol = Symbol.for('imprint.unknown');
export type Unknown = typeof UNKNOWN;

/**
 * How confident a prediction is:
 * - `score`: the winning class's score (a similarity for `max`, votes for `mnn`);
 * - `margin`: the winning score minus the runner-up's (a head with one class: its score);
 * - `share`: the winning score over the sum of the row's scores — for vote aggregators (`mnn`) the
 *   share of the votes the winner got (needs non-negative scores);
 * - `distance`: minus the distance from the query to the nearest proxy of the predicted class;
 * - `distance-margin`: the distance to the nearest proxy of any other class minus the distance to
 *   the nearest proxy of the predicted class (positive when the predicted class is also the nearest).
 * The last two need a distance-based aggregator (one with `classDistances`: `mnn`); they give
 * 1-nn heads (Janson et al.), whose single vote is always 1, a usable confidence.
 */
export type ConfidenceMeasure = 'score' | 'margin' | 'share' | 'distance' | 'distance-margin';
export const CONFIDENCE_MEASURES: readonly ConfidenceMeasure[] = ['score', 'margin', 'share', 'distance', 'distance-margin'];
/** The measures computed from the class scores alone ({@link confidenceOf}). */
export const SCORE_CONFIDENCE_MEASURES: readonly ConfidenceMeasure[] = ['score', 'margin', 'share'];

/** Reject queries whose confidence (`by`) is below `threshold`. */
export interface Rejection {
  readonly threshold: number;
  readonly by?: ConfidenceMeasure;
}

/** Confidence per row of a scores matrix `[rows, classes]` (`score`, `margin` or `share`). */
export function confidenceOf(scores: ArrayLike<number>, rows: number, classes: number, by: ConfidenceMeasure = 'score'): Float64Array {
  if (!SCORE_CONFIDENCE_MEASURES.includes(by)) {
    throw new ImprintError('INVALID_CONFIG', CONFIDENCE_MEASURES.includes(by) ? `confidence "${by}" needs the distances of a distance-based head: use head.confidence(queries, "${by}")` : `confidence measure must be one of ${CONFIDENCE_MEASURES.join(', ')}, got ${JSON.stringify(by)}`);
  }
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = -Infinity;
    let second = -Infinity;
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const v = scores[r * classes + c];
      sum += v;
      if (v > best) [second, best] = [best, v];
      else if (v > second) second = v;
    }
    if (by === 'share') {
      if (best < 0 || !(sum > 0) || scores.length === 0) throw new ImprintError('UNSUPPORTED', `confidence "share" needs non-negative scores with a positive sum (vote totals, as mnn gives); row ${r} has scores summing to ${sum}`, { row: r });
      out[r] = best / sum;
    } else out[r] = by === 'score' || classes < 2 ? best : best - second;
  }
  return out;
}

/**
 * `distance` and `distance-margin` confidence per row, from the predicted class index per row and
 * the distances `[rows, classes]` to each class's nearest proxy.
 */
export function distanceConfidence(distances: ArrayLike<number>, predicted: ArrayLike<number>, rows: number, classes: number, by: 'distance' | 'distance-margin'): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const own = distances[r * classes + predicted[r]];
    if (by === 'distance' || classes < 2) {
      out[r] = -own;
      continue;
    }
    let other = Infinity;
    for (let c = 0; c < classes; c++) if (c !== predicted[r] && distances[r * classes + c] < other) other = distances[r * classes + c];
    out[r] = other - own;
  }
  return out;
}

/** Check a rejection option: a finite threshold and a known measure. */
export function checkRejection(rejection: Rejection): Required<Rejection> {
  if (typeof rejection !== 'object' || rejection === null || typeof rejection.threshold !== 'number' || !Number.isFinite(rejection.threshold)) {
    throw new ImprintError('INVALID_CONFIG', `reject needs a finite threshold, got ${JSON.stringify(rejection)}`);
  }
  const by = rejection.by ?? 'score';
  if (!CONFIDENCE_MEASURES.includes(by)) throw new ImprintError('INVALID_CONFIG', `reject.by must be one of ${CONFIDENCE_MEASURES.join(', ')}, got ${JSON.stringify(by)}`);
  return { threshold: rejection.threshold, by };
}

/**
 * The threshold that rejects the fraction `falseRejectRate` of known-class queries whose
 * confidences are given (held-out data of the imprinted classes): the empirical quantile, so that
 * at most that fraction falls strictly below it.
 */
export function thresholdForFalseRejectRate(confidences: ArrayLike<number>, falseRejectRate: number): number {
  if (!(falseRejectRate >= 0 && falseRejectRate < 1)) throw new ImprintError('INVALID_CONFIG', `falseRejectRate must be in [0, 1), got ${falseRejectRate}`);
  if (confidences.length === 0) throw new ImprintError('INVALID_INPUT', 'calibration needs held-out queries of the known classes, got none');
  const sorted = Float64Array.from(confidences).sort();
  return sorted[Math.floor(falseRejectRate * sorted.length)];
}

/** What `calibrateRejection` needs of a head (any `Imprinter`). */
interface Confident {
  confidence(queries: EmbeddingInput, by?: ConfidenceMeasure): Float64Array;
}

/**
 * Calibrate open-set rejection on held-out embeddings of the imprinted (known) classes: the
 * threshold at which `falseRejectRate` of them would be rejected. Pass the result as
 * `head.predict(queries, { reject })`.
 *
 * @example
 * const reject = calibrateRejection(head, heldOutKnown, { falseRejectRate: 0.05 });
 * head.predict(queries, { reject }); // UNKNOWN where below the threshold
 */
export function calibrateRejection(head: Confident, heldOut: EmbeddingInput, { falseRejectRate = 0.05, by = 'score' }: { falseRejectRate?: number; by?: ConfidenceMeasure } = {}): Required<Rejection> {
  return { threshold: thresholdForFalseRejectRate(head.confidence(heldOut, by), falseRejectRate), by };
}
