import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { definePlugin, Imprinter, ImprintError, parseConfig, Registry, resolvePipeline } from '../index.js';
import { average, identity, testRegistry } from './test-plugins.js';

describe('Registry', () => {
  it('resolves every name of a config to a plugin instance', () => {
    const pipeline = resolvePipeline({ normPre: 'none', gen: 'mean', normPost: 'l2', normInf: 'l2', agg: 'max' }, testRegistry());
    expect(pipeline.normPre.name).toBe('none');
    expect(pipeline.generator.name).toBe('mean');
    expect(pipeline.normPost.name).toBe('l2');
    expect(pipeline.aggregator.name).toBe('max');
    expect(pipeline.config.k).toBe(1);
  });

  it('passes the resolved config to factories', () => {
    let seen: unknown;
    const registry = testRegistry().use(
      definePlugin({
        kind: 'generator',
        name: 'spy',
        configKeys: ['extra'],
        create: (config) => {
          seen = { k: config.k, extra: config.extra };
          return average();
        },
      }),
    );
    // 'spy' is registered at run time only, so it goes through parseConfig like a JSON config.
    resolvePipeline(parseConfig({ gen: 'spy', k: 7, extra: 'x' }), registry);
    expect(seen).toEqual({ k: 7, extra: 'x' });
  });

  it('rejects config keys nobody declared, with the closest known key', () => {
    const registry = testRegistry();
    expect(() => resolvePipeline({ gen: 'mean', K: 5 }, registry)).toThrow(/unknown config key "K" \(did you mean "k"\?\)/);
    expect(() => resolvePipeline({ gen: 'mean', metrc: 'cosine' }, registry)).toThrow(/unknown config key "metrc" \(did you mean "metric"\?\)/);
    expect(() => resolvePipeline({ gen: 'mean', extra: 1 }, registry)).toThrow(/unknown config key "extra"\. Valid keys: .*put annotations of your own under "meta"/);
    try {
      resolvePipeline({ gen: 'mean', K: 5 }, registry);
    } catch (error) {
      expect((error as ImprintError).code).toBe('INVALID_CONFIG');
      expect((error as ImprintError).details).toEqual({ unknown: ['K'] });
    }
    // annotations under meta, a run name, keys a plugin declares and keys the caller allows are kept
    const withSpy = testRegistry().use(definePlugin({ kind: 'generator', name: 'spy', configKeys: ['depth'], create: () => average() }));
    const pipeline = resolvePipeline({ gen: 'spy' as never, depth: 3, name: 'run 1', meta: { tag: [1, 2] }, dataset: 'mnist' }, withSpy, { extraKeys: ['dataset'] });
    expect(pipeline.config).toMatchObject({ depth: 3, name: 'run 1', meta: { tag: [1, 2] }, dataset: 'mnist' });
    expect(() => resolvePipeline({ gen: 'mean', meta: 'x' as never }, registry)).toThrow(/meta must be an object/);
  });

  it('names the unknown plugin and lists the registered ones', () => {
    try {
      resolvePipeline(parseConfig({ gen: 'kmeanz' }), testRegistry());
      throw new Error('resolved an unknown plugin');
    } catch (error) {
      expect(error).toBeInstanceOf(ImprintError);
      expect((error as ImprintError).code).toBe('UNKNOWN_PLUGIN');
      expect((error as ImprintError).message).toBe('unknown generator "kmeanz" (did you mean "mean"?); registered generators: centered, mean, random');
    }
  });

  it('rejects a normalizer at a stage it does not support', () => {
    expect(() => resolvePipeline({ normInf: 'shift' }, testRegistry())).toThrow(/normInf "shift" cannot be used at NORMinf; it is usable at: NORMpost/);
  });

  it('throws DUPLICATE_PLUGIN for a second entry with a taken name, unless override is set', () => {
    const registry = testRegistry();
    const other = definePlugin({ kind: 'generator', name: 'mean', create: average });
    expect(() => registry.use(other)).toThrow(ImprintError);
    expect(() => registry.use(other)).toThrow(/generator named "mean" is already registered; pass \{ override: true \}/);
    registry.use(other, { override: true });
    expect(registry.entry('generator', 'mean')).toBe(other);
  });

  it('accepts the same entry twice (idempotent setup) and the same name under another kind', () => {
    const entry = definePlugin({ kind: 'normalizer', name: 'mean', create: identity });
    const registry = testRegistry().use(entry).use(entry);
    expect(registry.names('normalizer')).toContain('mean');
    expect(registry.names('generator')).toContain('mean');
  });

  it('accepts ready-made plugin instances', () => {
    const instance = { ...average(), name: 'third-party-mean', version: '1.2.3' };
    const registry = new Registry().use(instance);
    expect(registry.create('generator', 'third-party-mean', parseConfig({}))).toBe(instance);
  });

  it('fails when a factory returns a plugin of another kind', () => {
    const registry = new Registry().use(definePlugin({ kind: 'generator', name: 'liar', create: () => identity() as never }));
    expect(() => registry.create('generator', 'liar', parseConfig({}))).toThrow(/created a plugin of kind "normalizer"/);
  });

  it('clones without sharing later registrations', () => {
    const base = testRegistry();
    const copy = base.clone().use(definePlugin({ kind: 'generator', name: 'extra', create: average }));
    expect(copy.has('generator', 'extra')).toBe(true);
    expect(base.has('generator', 'extra')).toBe(false);
  });

  it('a plugin whose create throws is named in one typed line; a normalizer that returns NaN fails instead of predicting class 0', async () => {
    const registry = testRegistry()
      .use(definePlugin({ kind: 'generator', name: 'broken', version: '1.2.0', create: () => { throw new TypeError('cannot read properties of undefined'); } }))
      .use(definePlugin({ kind: 'normalizer', name: 'nan', create: () => ({ kind: 'normalizer', name: 'nan', stages: ['pre', 'post', 'inf'], normalize: (x) => tf.fill(x.shape, Number.NaN) as tf.Tensor2D }) }));
    expect(() => resolvePipeline({ gen: 'broken' } as Record<string, unknown>, registry)).toThrow(/the generator "broken" 1\.2\.0 failed to start: cannot read properties of undefined/);
    for (const stage of ['normPre', 'normPost', 'normInf'] as const) {
      const head = Imprinter.fromConfig({ [stage]: 'nan' } as Record<string, unknown>, registry);
      const attempt = async () => {
        await head.imprint([[1, 0], [0, 1]], [0, 1]);
        head.predict([[1, 1]]);
      };
      await expect(attempt()).rejects.toThrow(new RegExp(`normalizer "nan" \\(NORM${stage.slice(4).toLowerCase()}\\) produced a non-finite value`));
      head.dispose();
    }
  });
});
