import { describe, expect, it } from 'vitest';
import { Imprinter, ImprintError, UNKNOWN, calibrateRejection, confidenceOf, distanceConfidence, thresholdForFalseRejectRate } from '@imprint/core';
import { expectNoTensorLeak } from '@imprint/core/testing';
import { createStandardRegistry } from '../index.js';

describe('open-set rejection', () => {
  it('confidence: the winning score, or its margin over the runner-up (hand-computed)', () => {
    const scores = [0.9, 0.2, 0.1, 0.5, 0.45, 0.3];
    expect(Array.from(confidenceOf(scores, 2, 3, 'score'))).toEqual([0.9, 0.5]);
    const margin = Array.from(confidenceOf(scores, 2, 3, 'margin'));
    expect(margin[0]).toBeCloseTo(0.7, 12);
    expect(margin[1]).toBeCloseTo(0.05, 12);
    expect(Array.from(confidenceOf([0.4], 1, 1, 'margin'))).toEqual([0.4]); // one class: its score
    expect(() => confidenceOf(scores, 2, 3, 'entropy' as never)).toThrow(/score, margin/);
    // the winner's share of the votes
    expect(Array.from(confidenceOf([3, 1, 1, 0, 5, 0], 2, 3, 'share'))).toEqual([0.6, 1]);
    expect(() => confidenceOf([-1, -2], 1, 2, 'share')).toThrow(/non-negative/);
    expect(() => confidenceOf(scores, 2, 3, 'distance')).toThrow(/head.confidence/);
    // distance: minus the distance to the predicted class; distance-margin: the nearest other class's distance minus it
    const distances = [0.2, 0.5, 0.9, 0.4, 0.3, 0.35];
    expect(Array.from(distanceConfidence(distances, [0, 1], 2, 3, 'distance'))).toEqual([-0.2, -0.3]);
    const dm = Array.from(distanceConfidence(distances, [0, 2], 2, 3, 'distance-margin'));
    expect(dm[0]).toBeCloseTo(0.3, 12);
    expect(dm[1]).toBeCloseTo(-0.05, 12); // the vote went to class 2, but class 1 has a nearer proxy
  });

  it('mnn heads: 1-nn votes give no ranking, the distance margin does (hand-computed, Euclidean)', async () => {
    await expectNoTensorLeak(async () => {
      const head = Imprinter.fromConfig({ preset: 'janson2022' }, createStandardRegistry());
      await head.imprint([[0, 0], [10, 0]], ['a', 'b']);
      const queries = [[1, 0], [4, 0], [5, 3]];
      expect(Array.from(head.confidence(queries, 'score'))).toEqual([1, 1, 1]);
      // distances to a: 1, 4, √34; to b: 9, 6, √34 → margins 8, 2, 0
      const margin = Array.from(head.confidence(queries, 'distance-margin'));
      [8, 2, 0].forEach((v, i) => expect(margin[i]).toBeCloseTo(v, 5));
      const distance = Array.from(head.confidence(queries, 'distance'));
      [-1, -4, -Math.sqrt(34)].forEach((v, i) => expect(distance[i]).toBeCloseTo(v, 5));
      const reject = calibrateRejection(head, [[0.5, 0], [9, 0.5]], { falseRejectRate: 0, by: 'distance-margin' });
      expect(reject.threshold).toBeCloseTo(Math.sqrt(81.25) - Math.sqrt(1.25), 5); // [9, 0.5]: 9.01 to a, 1.12 to b
      expect(head.predict(queries, { reject })).toEqual(['a', UNKNOWN, UNKNOWN]);
      head.dispose();
      const max = Imprinter.fromConfig({ preset: 'qi2018' }, createStandardRegistry());
      await max.imprint([[1, 0], [0, 1]], ['a', 'b']);
      expect(() => max.confidence(queries, 'distance-margin')).toThrow(/distance-based aggregator/);
      max.dispose();
    });
  });

  it('the calibrated threshold rejects the asked share of held-out known queries', () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(thresholdForFalseRejectRate(values, 0.05)).toBe(2); // only 1 of 20 is below 2
    expect(thresholdForFalseRejectRate(values, 0)).toBe(1); // nothing below the minimum
    expect(() => thresholdForFalseRejectRate(values, 1)).toThrow(ImprintError);
    expect(() => thresholdForFalseRejectRate([], 0.1)).toThrow(/held-out/);
  });

  it('a head rejects a query far from every class as UNKNOWN and keeps the others', async () => {
    await expectNoTensorLeak(async () => {
      const head = Imprinter.fromConfig({ preset: 'qi2018' }, createStandardRegistry());
      await head.imprint([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0.1, 0.9, 0]], ['a', 'a', 'b', 'b']);
      const queries = [[1, 0.05, 0], [0, 0, 1], [0.05, 1, 0]];
      expect(head.predict(queries)).toEqual(['a', 'a', 'b']); // closed set: the outlier gets a class anyway
      const reject = calibrateRejection(head, [[0.8, 0.3, 0.1], [0.3, 0.8, 0.1]], { falseRejectRate: 0 }); // cosine ≈ 0.93 to their class
      expect(reject.by).toBe('score');
      expect(head.predict(queries, { reject })).toEqual(['a', UNKNOWN, 'b']);
      expect(head.predict(queries, { reject: { threshold: 0.5, by: 'margin' } })).toEqual(['a', UNKNOWN, 'b']);
      expect(() => head.predict(queries, { reject: { threshold: Number.NaN } })).toThrow(/finite threshold/);
      expect(Array.from(head.confidence(queries)).every((c) => c <= 1 + 1e-6)).toBe(true);
      head.dispose();
    });
  });
});
