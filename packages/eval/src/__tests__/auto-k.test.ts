import { describe, expect, it } from 'vitest';
import { Imprinter, deserializeImprinter, serializeImprinter, type ImprintConfigInput, type ImprintError } from '@imprint/core';
import { expectNoTensorLeak, syntheticClasses } from '@imprint/core/testing';
import { createStandardRegistry } from '../index.js';
import { generationKey, type RunConfig } from '../experiments/run-config.js';
import { methodLabel } from '../experiments/analysis.js';

/** `modes` well-separated Gaussian blobs in `dim` dimensions (`perMode` rows each). */
const blobs = (modes: number, perMode: number, dim: number, seed: number): Float32Array => syntheticClasses(modes, perMode, dim, seed).data;

describe("k: 'auto' (per-class k chosen by a k selector)", () => {
  it("k: 'auto' in a head: per-class proxy counts, kept by save/load; validated like every key", async () => {
    const registry = createStandardRegistry();
    const dim = 8;
    const a = blobs(1, 40, dim, 11);
    const b = blobs(3, 40, dim, 12);
    const rows = [...Array.from({ length: 40 }, (_, i) => Array.from(a.subarray(i * dim, (i + 1) * dim))), ...Array.from({ length: 120 }, (_, i) => Array.from(b.subarray(i * dim, (i + 1) * dim)))];
    const labels = [...Array(40).fill('a'), ...Array(120).fill('b')];
    await expectNoTensorLeak(async () => {
      const head = Imprinter.fromConfig({ normPre: 'none', gen: 'kmeans', k: 'auto', kMax: 10, normPost: 'l2', normInf: 'none', agg: 'max' }, registry);
      await head.imprint(rows, labels);
      expect(head.proxyCounts).toEqual([1, 3]);
      const again = deserializeImprinter(serializeImprinter(head), registry);
      expect(again.proxyCounts).toEqual([1, 3]);
      expect(again.config.k).toBe('auto');
      expect(again.predict(rows)).toEqual(head.predict(rows));
      head.dispose();
      again.dispose();
    });
    const invalid = (config: ImprintConfigInput) => {
      try {
        Imprinter.fromConfig(config, registry).dispose();
      } catch (error) {
        return error as ImprintError;
      }
      throw new Error(`accepted ${JSON.stringify(config)}`);
    };
    expect(invalid({ gen: 'kmeans', k: 'many' as never }).message).toMatch(/k must be -1, a positive integer or "auto"/);
    expect(invalid({ gen: 'kmeans', k: 'auto', kMax: 0 }).message).toMatch(/kMax must be a positive integer/);
    expect(invalid({ gen: 'kmeans', k: 5, kMax: 10 }).message).toMatch(/kMax and kSelect apply only with k "auto"/);
    expect(invalid({ gen: 'ls', k: 'auto' }).message).toMatch(/joint generator "ls" needs a number/);
    const unknown = invalid({ gen: 'kmeans', k: 'auto', kSelect: 'gapp' as never });
    expect(unknown.code).toBe('UNKNOWN_PLUGIN');
    expect(unknown.message).toMatch(/gap/);
  });

  it('grids keep plugin keys apart: a k selector key is part of the GEN memo key and of the method label', () => {
    const base = { backbone: 'pixels', dataset: 'mnist', split: 'all', seed: 0, normPre: 'l2', gen: 'kmeans', k: 'auto', kSelect: 'coverage', normPost: 'l2', normInf: 'l2', agg: 'max' } as unknown as RunConfig;
    const a = { ...base, coverage: 0.5 } as RunConfig;
    const b = { ...base, coverage: 0.6 } as RunConfig;
    expect(generationKey(a)).not.toBe(generationKey(b));
    expect(generationKey({ ...a, agg: 'mnn' } as RunConfig)).toBe(generationKey(a)); // AGG acts after GEN
    expect(methodLabel({ ...a, preset: 'imprintKmeans' } as RunConfig)).toBe('imprintKmeans k=auto:coverage coverage=0.5');
  });
});
