import { describe, expect, it } from 'vitest';
import { defineOption, definePlugin, describeConfig, optionApplies, parseConfig } from '../index.js';
import { average, testRegistry } from './test-plugins.js';

const take = defineOption<number>({ name: 'take', description: 'rows kept', type: 'integer', stage: 'gen', default: 1 });
const threads = defineOption<number>({ name: 'threads', description: 'threads', type: 'integer', stage: 'runtime' });
const registry = () =>
  testRegistry()
    .use(definePlugin({ kind: 'generator', name: 'take-first', options: [take, threads], create: average }))
    .use(definePlugin({ kind: 'generator', name: 'single', ignores: ['k'], create: average }));
const describeIt = (input: Record<string, unknown>, run = false) => describeConfig(parseConfig(input, registry()), registry(), { run });

describe('describeConfig: one describer, derived from the declarations', () => {
  it('labels a pipeline, its options by their label functions and declaration order, then undeclared keys', () => {
    expect(describeIt({ gen: 'take-first', k: 3, take: 2 })).toBe('l2/take-first k=3/l2/l2/max take=2');
    expect(describeIt({ gen: 'take-first', take: 2, zeta: 'z', alpha: [1] })).toBe('l2/take-first k=1/l2/l2/max take=2 alpha=[1] zeta=z');
    expect(describeIt({ gen: 'take-first', threads: 4 })).toBe('l2/take-first k=1/l2/l2/max'); // runtime: never shown
  });

  it('leaves out what does not act: an ignored core option, a plugin option no active plugin declares', () => {
    expect(describeIt({ gen: 'single', k: 5 })).toBe('l2/single/l2/l2/max');
    expect(describeIt({ gen: 'mean', take: 2, metric: 'cosine' })).toBe('l2/mean/l2/l2/max cosine');
    expect(optionApplies('take', { gen: 'mean' }, registry())).toBe(false);
    expect(optionApplies('take', { gen: 'take-first' }, registry())).toBe(true);
    expect(optionApplies('k', { gen: 'single' }, registry())).toBe(false);
    expect(optionApplies('undeclared', { gen: 'single' }, registry())).toBe(true);
  });

  it('a preset: its name, k where it acts, and what differs from the preset; a name stands alone; a run line adds name and seed', () => {
    expect(describeIt({ preset: 'qi2018' })).toBe('qi2018');
    expect(describeIt({ preset: 'imprintKmeans' })).toBe('imprintKmeans k=20');
    expect(describeIt({ preset: 'qi2018', normPost: 'none' })).toBe('qi2018 normPost=none');
    expect(describeIt({ preset: 'imprintKmeans', k: 'auto', kSelect: 'gap', kMax: 10 })).toBe('imprintKmeans k=auto:gap≤10 kMax=10 kSelect=gap');
    expect(describeIt({ name: 'ours', gen: 'take-first', take: 2 })).toBe('ours');
    expect(describeIt({ name: 'ours', gen: 'take-first', take: 2 }, true)).toBe('ours: l2/take-first k=1/l2/l2/max take=2 seed=42');
    expect(describeIt({ gen: 'mean', seed: 7 }, true)).toBe('l2/mean/l2/l2/max seed=7');
  });
});
