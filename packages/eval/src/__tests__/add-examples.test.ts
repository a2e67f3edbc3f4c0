import { describe, expect, it } from 'vitest';
import { ImprintError, Imprinter, deserializeImprinter, readHeadManifest, serializeImprinter, type HeadOptions, type ImprintConfigInput, type ImprintErrorCode } from '@imprint/core';
import { expectArraysClose, expectNoTensorLeak, syntheticClasses } from '@imprint/core/testing';
import { createStandardRegistry } from '../index.js';

const registry = createStandardRegistry();
const { data, labels, dim } = syntheticClasses(4, 30, 8, 23);
const rowsOf = (values: Float32Array) => Array.from({ length: values.length / dim }, (_, i) => Array.from(values.subarray(i * dim, (i + 1) * dim)));
const rows = rowsOf(data);
const queries = rowsOf(syntheticClasses(4, 10, 8, 24).data);
/** Rows of class `c` (30 each, classes 0–3 in order). */
const classRows = (c: number) => rows.slice(c * 30, (c + 1) * 30);

/** A head imprinted from every row of every class but the first `held` rows of class `grown`. */
async function partial(config: ImprintConfigInput, grown: number, held: number, options: HeadOptions = {}): Promise<Imprinter> {
  const keep = rows.filter((_, i) => !(labels[i] === grown && i - grown * 30 < held));
  const keepLabels = labels.filter((l, i) => !(l === grown && i - grown * 30 < held));
  const head = Imprinter.fromConfig(config, registry, options);
  await head.imprint(keep, keepLabels);
  return head;
}

/** The same class rows in the order a grown head saw them: the kept rows first, the added ones after. */
async function whole(config: ImprintConfigInput, grown: number, held: number): Promise<Imprinter> {
  const ordered = [...rows];
  const mine = classRows(grown);
  ordered.splice(grown * 30, 30, ...mine.slice(held), ...mine.slice(0, held));
  const head = Imprinter.fromConfig(config, registry);
  await head.imprint(ordered, labels);
  return head;
}

const weightsOf = (head: Imprinter) => head.weights().weights.arraySync();

async function expectCode(promise: Promise<unknown>, code: ImprintErrorCode, message?: RegExp): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ImprintError);
  expect((error as ImprintError).code).toBe(code);
  if (message) expect((error as ImprintError).message).toMatch(message);
}

describe('addExamples: growing a class with the semantics of its GEN', () => {
  it('mean: a running mean, equal to imprinting every example at once (Qi and Hosoda, the last class)', async () => {
    for (const preset of ['qi2018', 'hosoda2024'] as const) {
      // Hosoda's quantile NORMpost normalizes each class against those stored before it: the last class grows
      const grown = preset === 'qi2018' ? 1 : 3;
      const head = await partial({ preset }, grown, 10);
      await head.addExamples(grown, classRows(grown).slice(0, 4));
      await head.addExamples(grown, classRows(grown).slice(4, 10));
      const reference = await whole({ preset }, grown, 10);
      expectArraysClose(weightsOf(head), weightsOf(reference), 1e-6);
      expect(head.predict(queries)).toEqual(reference.predict(queries));
      expect(head.proxyCounts).toEqual([1, 1, 1, 1]);
      [head, reference].forEach((h) => h.dispose());
    }
  });

  it('all: the new rows are appended, exactly as imprinting them with the others', async () => {
    const head = await partial({ gen: 'all', normPre: 'l2', normPost: 'l2', normInf: 'l2' }, 2, 7);
    await head.addExamples(2, classRows(2).slice(0, 7));
    const reference = await whole({ gen: 'all', normPre: 'l2', normPost: 'l2', normInf: 'l2' }, 2, 7);
    expect(weightsOf(head)).toEqual(weightsOf(reference));
    expect(head.proxyCounts).toEqual([30, 30, 30, 30]);
    [head, reference].forEach((h) => h.dispose());
  });

  it('k-means and the other GENs that use all examples at once: a typed error without kept examples, nothing changed', async () => {
    for (const config of [{ preset: 'imprintKmeans', k: 3 }, { gen: 'kmedoids', k: 3 }, { gen: 'fps', k: 3 }, { gen: 'cov_max', k: 3 }, { gen: 'random', k: 3 }, { preset: 'qi2018', fewshot: 10 }] as ImprintConfigInput[]) {
      const head = await partial(config, 1, 5);
      const before = weightsOf(head);
      await expectCode(head.addExamples(1, classRows(1).slice(0, 5)), 'EXAMPLES_NOT_KEPT', /keepExamples: true/);
      expect(weightsOf(head)).toEqual(before);
      head.dispose();
    }
  });

  it('with keepExamples any GEN is generated again from every example: equal to imprinting them all at once, bit for bit', async () => {
    for (const config of [{ preset: 'imprintKmeans', k: 3 }, { gen: 'kmedoids', k: 3 }, { gen: 'random', k: 4 }, { preset: 'qi2018', fewshot: 12 }, { gen: 'kls', k: 2 }] as ImprintConfigInput[]) {
      const head = await partial(config, 2, 8, { keepExamples: true });
      await head.addExamples(2, classRows(2).slice(0, 8));
      const reference = await whole(config, 2, 8);
      expect(weightsOf(head), JSON.stringify(config)).toEqual(weightsOf(reference));
      expect(head.keptRows).toBe(120);
      [head, reference].forEach((h) => h.dispose());
    }
  });

  it('least squares re-solves every class with the new rows (no examples kept: its prepared rows suffice)', async () => {
    const head = await partial({ preset: 'leastSquaresOracle' }, 0, 6);
    await head.addExamples(0, classRows(0).slice(0, 6));
    const reference = await whole({ preset: 'leastSquaresOracle' }, 0, 6);
    expectArraysClose(weightsOf(head), weightsOf(reference), 1e-4);
    expect(head.predict(queries)).toEqual(reference.predict(queries));
    [head, reference].forEach((h) => h.dispose());
  });

  it('removeExamples takes kept rows out and generates the class again; the bound on kept rows holds', async () => {
    const head = await partial({ preset: 'imprintKmeans', k: 3 }, 1, 0, { keepExamples: { maxRows: 125 } });
    await head.removeExamples(1, [0, 1, 2, 3, 4]);
    const rest = Imprinter.fromConfig({ preset: 'imprintKmeans', k: 3 }, registry);
    await rest.imprint(rows.filter((_, i) => !(i >= 30 && i < 35)), labels.filter((_, i) => !(i >= 30 && i < 35)));
    expect(weightsOf(head)).toEqual(weightsOf(rest));
    expect(head.keptRows).toBe(115);
    const before = weightsOf(head);
    await expectCode(head.addExamples(1, classRows(1).slice(0, 11)), 'EXAMPLES_LIMIT', /maxRows = 125/);
    expect(weightsOf(head)).toEqual(before);
    await expectCode(head.removeExamples(1, [30]), 'INVALID_INPUT', /rows 0 to 24/);
    await expectCode(head.removeExamples(1, Array.from({ length: 25 }, (_, i) => i)), 'EMPTY_CLASS', /removeClass/);
    await expectCode(head.addExamples(9, classRows(1)), 'UNKNOWN_CLASS');
    await expectCode(head.addExamples(1, [[1, 2]]), 'DIMENSION_MISMATCH');
    await expectCode(head.addExamples(1, [[Number.NaN, 0, 0, 0, 0, 0, 0, 0]]), 'NON_FINITE');
    [head, rest].forEach((h) => h.dispose());
  });

  it('saved heads carry the running means and kept examples (format 3); a loaded head grows as the original does', async () => {
    for (const [config, options] of [[{ preset: 'qi2018' }, {}], [{ preset: 'imprintKmeans', k: 3 }, { keepExamples: true }], [{ gen: 'kls', k: 2 }, { keepExamples: true }]] as [ImprintConfigInput, HeadOptions][]) {
      const head = await partial(config, 3, 9, options);
      const bytes = serializeImprinter(head);
      expect(readHeadManifest(bytes).manifest.formatVersion).toBe(3);
      const loaded = deserializeImprinter(bytes, registry);
      await head.addExamples(3, classRows(3).slice(0, 9));
      await loaded.addExamples(3, classRows(3).slice(0, 9));
      expect(weightsOf(loaded), JSON.stringify(config)).toEqual(weightsOf(head));
      // a changed byte in the state is caught by the checksum
      const broken = bytes.slice();
      broken[broken.length - 20] ^= 1;
      expect(() => deserializeImprinter(broken, registry)).toThrow(/checksum/);
      [head, loaded].forEach((h) => h.dispose());
    }
    // a head without state stays format 2 (older builds read it)
    const plain = await partial({ preset: 'imprintKmeans', k: 3 }, 0, 0);
    expect(readHeadManifest(serializeImprinter(plain)).manifest.formatVersion).toBe(2);
    const loaded = deserializeImprinter(serializeImprinter(plain), registry);
    await expectCode(loaded.addExamples(0, classRows(0)), 'EXAMPLES_NOT_KEPT');
    [plain, loaded].forEach((h) => h.dispose());
  });

  it('leaves no tensor behind', async () => {
    await expectNoTensorLeak(async () => {
      for (const [config, options] of [[{ preset: 'qi2018' }, {}], [{ gen: 'all' }, {}], [{ preset: 'leastSquaresOracle' }, {}], [{ preset: 'imprintKmeans', k: 3 }, { keepExamples: true }], [{ gen: 'kls', k: 2 }, { keepExamples: true }]] as [ImprintConfigInput, HeadOptions][]) {
        const head = await partial(config, 1, 6, options);
        await head.addExamples(1, classRows(1).slice(0, 6));
        if (options.keepExamples) await head.removeExamples(1, [0]);
        const loaded = deserializeImprinter(serializeImprinter(head), registry);
        loaded.dispose();
        head.dispose();
      }
    });
  });
});
