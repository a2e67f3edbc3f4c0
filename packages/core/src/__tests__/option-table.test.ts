import { describe, expect, it } from 'vitest';
import { defineOption, definePlugin, kebabCase, optionFromText, optionProblem, Registry, type ImprintError, type OptionDeclaration } from '../index.js';
import { average, testOptions, testRegistry } from './test-plugins.js';

const take = defineOption<number>({ name: 'take', description: 'rows kept', type: 'integer', stage: 'gen', default: 1, min: 1 });

describe('OptionTable (registry.options())', () => {
  it("holds core's options first, then each entry's, and who declares each", () => {
    const registry = testRegistry().use(definePlugin({ kind: 'generator', name: 'take-first', options: [take], create: average }));
    const table = registry.options();
    expect(table.names().slice(0, 10)).toEqual(['normPre', 'gen', 'k', 'normPost', 'normInf', 'agg', 'seed', 'preset', 'name', 'meta']);
    expect(table.get('take')).toBe(take);
    expect(table.ownerOf('take')).toBe('generator take-first');
    expect(table.ownerOf('gen')).toBe('core');
    expect(registry.configKeys().has('take')).toBe(true);
  });

  it('one name, one declaration: a shared declaration object is fine, a second different one fails at registration', () => {
    const registry = new Registry().use(definePlugin({ kind: 'generator', name: 'a', options: [testOptions.lambda], create: average }));
    registry.use(definePlugin({ kind: 'generator', name: 'b', options: [testOptions.lambda], create: average }));
    expect(registry.options().ownersOf('lambda')).toEqual(['generator a', 'generator b']);
    const other = defineOption<number>({ name: 'lambda', description: 'another λ', type: 'number', stage: 'gen' });
    try {
      registry.use(definePlugin({ kind: 'generator', name: 'c', options: [other], create: average }));
      throw new Error('accepted');
    } catch (error) {
      expect((error as ImprintError).code).toBe('DUPLICATE_OPTION');
      expect((error as Error).message).toMatch(/"lambda" is declared by generator a and again, differently, by generator c/);
    }
    expect(registry.has('generator', 'c')).toBe(false);
    // core's own names are taken too
    expect(() => new Registry().use(definePlugin({ kind: 'generator', name: 'd', options: [defineOption({ name: 'k', description: 'mine', type: 'integer', stage: 'gen' })], create: average }))).toThrow(/"k" is declared by core/);
  });

  it('rejects malformed declarations from plain-JavaScript plugins with one line', () => {
    const bad = (option: unknown) => () => new Registry().use(definePlugin({ kind: 'generator', name: 'x', options: [option as OptionDeclaration], create: average }));
    expect(bad({ name: 'take-n', description: 'd', type: 'integer', stage: 'gen' })).toThrow(/without a camelCase name/);
    expect(bad({ name: 'take', description: 'd', type: 'int', stage: 'gen' })).toThrow(/type is not one of integer, number, string, json/);
    expect(bad({ name: 'take', description: 'd', type: 'integer', stage: 'later' })).toThrow(/stage is not one of gen, head, runtime, label/);
    expect(bad({ name: 'take', type: 'integer', stage: 'gen' })).toThrow(/without a description/);
    expect(() => new Registry().use({ kind: 'generator', name: 'y', options: 'take' as never, create: average })).toThrow(/options that are not an array/);
  });

  it('derives checks, flags and text parsing from a declaration', () => {
    expect(optionProblem(take, 0)).toBe('take must be an integer ≥ 1, got 0');
    expect(optionProblem(take, 2)).toBeUndefined();
    expect(kebabCase('prefilterQuantiles')).toBe('prefilter-quantiles');
    expect(optionFromText(take, '3')).toBe(3);
    expect(() => optionFromText(take, '0x3')).toThrow(/--take must be a finite decimal number, got "0x3"/);
    const json = defineOption({ name: 'pair', description: 'two numbers', type: 'json', stage: 'gen' });
    expect(optionFromText(json, '[1, 2]')).toEqual([1, 2]);
    expect(() => optionFromText(json, '[1,')).toThrow(/--pair must be JSON/);
  });
});
