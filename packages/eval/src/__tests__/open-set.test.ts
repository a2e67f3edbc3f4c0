import { describe, expect, it } from 'vitest';
import { Imprinter, ImprintError, UNKNOWN, calibrateRejection, confidenceOf, thresholdForFalseRejectRate } from '@imprint/core';
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
