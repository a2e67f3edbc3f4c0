import { expectTypeOf, test } from 'vitest';
import type { GeneratorName, ImprintConfigInput } from '../index.js';

// A third-party package adds its generator to the typed registry by declaration merging.
declare module '../config/config.js' {
  interface GeneratorRegistry {
    gmm: { components: number };
  }
}

test('plugin names are typed through declaration merging', () => {
  expectTypeOf<'gmm'>().toMatchTypeOf<GeneratorName>();
  expectTypeOf<'mean'>().toMatchTypeOf<GeneratorName>();
  expectTypeOf<'gmn'>().not.toMatchTypeOf<GeneratorName>();
  expectTypeOf<{ gen: 'gmm'; k: 3 }>().toMatchTypeOf<ImprintConfigInput>();
  expectTypeOf<{ gen: 'gmn' }>().not.toMatchTypeOf<ImprintConfigInput>();
});
