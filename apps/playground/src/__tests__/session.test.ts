import { describe, expect, it } from 'vitest';
import { ImprintError, deserializeImprinter } from '@imprint/core';
import { expectNoTensorLeak } from '@imprint/core/testing';
import { playgroundRegistry } from '../registry.js';
import { PlaygroundSession, TABLE1_PRESETS, methodName } from '../session.js';

/** Two well-separated classes in 4-d, three examples each. */
function filled(session: PlaygroundSession): Promise<void> {
  session.addClass('a');
  session.addClass('b');
  const rows: [string, number[]][] = [
    ['a', [1, 0, 0, 0]],
    ['a', [0.9, 0.1, 0, 0]],
    ['a', [1, 0.2, 0, 0.1]],
    ['b', [0, 0, 1, 0]],
    ['b', [0, 0.1, 0.9, 0]],
    ['b', [0.1, 0, 1, 0.2]],
  ];
  return rows.reduce((p, [name, e]) => p.then(() => session.addExample(name, Float32Array.from(e))), Promise.resolve());
}

describe('PlaygroundSession (the page without the DOM)', () => {
  it('imprints on every change and predicts with per-class scores', async () => {
    const session = new PlaygroundSession(playgroundRegistry());
    session.addClass('a');
    expect(session.head).toBeUndefined();
    expect(session.predict(Float32Array.from([1, 0, 0, 0]))).toBeUndefined();
    session.dispose();
    const s = new PlaygroundSession(playgroundRegistry());
    await filled(s);
    const prediction = s.predict(Float32Array.from([0.8, 0, 0.1, 0]))!;
    expect(prediction.label).toBe('a');
    expect(prediction.scores.map((x) => x.label)).toEqual(['a', 'b']);
    // qi2018: cosine similarity to the L2-normalised class means
    expect(prediction.scores[0].score).toBeGreaterThan(prediction.scores[1].score);
    expect([...s.proxyCounts()]).toEqual([['a', 1], ['b', 1]]);
    await s.setConfig({ preset: 'imprintKmeans' });
    expect([...s.proxyCounts()]).toEqual([['a', 3], ['b', 3]]); // k = 20 > 3 samples: all samples
    s.dispose();
  });

  it('rejects bad input with typed errors and keeps its state', async () => {
    const s = new PlaygroundSession(playgroundRegistry());
    await filled(s);
    expect(() => s.addClass('a')).toThrow(/already a class "a"/);
    expect(() => s.addClass('  ')).toThrow(ImprintError);
    await expect(s.addExample('c', Float32Array.from([1, 0, 0, 0]))).rejects.toThrow(/no class "c"; classes: a, b/);
    await expect(s.addExample('a', Float32Array.from([1, 0]))).rejects.toThrow(/2 dimensions, the others 4/);
    await expect(s.setConfig({ normPre: 'quantile' })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    expect(s.config).toEqual({ preset: 'qi2018' });
    expect(s.classes.map((c) => c.examples.length)).toEqual([3, 3]);
    s.dispose();
  });

  it('leave-one-out accuracy of the five Table-1 methods', async () => {
    const s = new PlaygroundSession(playgroundRegistry());
    await filled(s);
    const rows = await s.leaveOneOut();
    // labelled as reports label them: k shows where the generator uses it
    expect(rows.map((r) => r.method)).toEqual(TABLE1_PRESETS.map((preset) => (preset === 'imprintKmeans' ? 'imprintKmeans k=20' : preset)));
    for (const row of rows) {
      expect(row.examples).toBe(6);
      expect(row.accuracy).toBe(100); // the classes are far apart
      expect(row.classes).toEqual(['a', 'b']);
      expect(row.confusion).toEqual([[3, 0], [0, 3]]);
    }
    // an example near the other class is confused; a class with one example cannot be predicted
    await s.addExample('a', Float32Array.from([0, 0.1, 1, 0]));
    s.addClass('c');
    await s.addExample('c', Float32Array.from([0, 1, 0, 0]));
    const [qi] = await s.leaveOneOut([{ preset: 'qi2018' }]);
    expect(qi.classes).toEqual(['a', 'b', 'c']);
    expect(qi.confusion).toEqual([[3, 1, 0], [0, 3, 0], [0, 0, 0]]);
    expect(qi.unpredicted).toEqual([0, 0, 1]);
    expect(qi.accuracy).toBeCloseTo((100 * 6) / 8, 10);
    expect(methodName({ gen: 'kmeans', k: 5, agg: 'mnn' }, s.registry)).toBe('l2/kmeans k=5/l2/l2/mnn inner_product m=5 uniform');
    expect(methodName({ preset: 'janson2022', normPost: 'centered-l2' }, s.registry)).toBe('janson2022 normPost=centered-l2');
    s.dispose();
  });

  it('saves the head Node reads, loads it back, and leaks no tensors', async () => {
    await expectNoTensorLeak(async () => {
      const s = new PlaygroundSession(playgroundRegistry());
      await filled(s);
      await s.setConfig({ gen: 'kmeans', k: 2, normPost: 'centered-l2', agg: 'max' });
      const bytes = s.save();
      const inNode = deserializeImprinter(bytes, playgroundRegistry());
      const query = Float32Array.from([0.1, 0, 0.9, 0.1]);
      expect(String(inNode.predict([Array.from(query)])[0])).toBe(s.predict(query)!.label);
      inNode.dispose();
      const other = new PlaygroundSession(playgroundRegistry());
      other.load(bytes);
      expect(other.loaded).toBe(true);
      expect(other.classes.map((c) => c.name)).toEqual(['a', 'b']);
      expect(other.predict(query)).toEqual(s.predict(query));
      expect(other.config.normPost).toBe('centered-l2');
      expect(() => new PlaygroundSession(playgroundRegistry()).save()).toThrow(/nothing to save yet/);
      expect(() => other.load(bytes.subarray(0, 40))).toThrow(ImprintError);
      s.dispose();
      other.dispose();
    });
  });

  it('adds examples to a class of a loaded head in place, as imprinting them with the others would (mean)', async () => {
    await expectNoTensorLeak(async () => {
      const s = new PlaygroundSession(playgroundRegistry());
      await filled(s);
      const bytes = s.save(); // qi2018: mean proxies, a running mean per class in the file
      const loaded = new PlaygroundSession(playgroundRegistry());
      loaded.load(bytes);
      const more = Float32Array.from([0.2, 0.1, 0.8, 0.3]);
      await loaded.addExample('b', more);
      expect(loaded.loaded).toBe(true); // still the file's head, grown
      await s.addExample('b', more);
      const query = Float32Array.from([0.3, 0.1, 0.5, 0.4]);
      const [grown, rebuilt] = [loaded.predict(query)!, s.predict(query)!];
      expect(grown.label).toBe(rebuilt.label);
      grown.scores.forEach((x, i) => expect(x.score).toBeCloseTo(rebuilt.scores[i]!.score, 6));
      // k-means keeps no running state: the loaded head is rebuilt from the page's examples
      await s.setConfig({ preset: 'imprintKmeans', k: 2 });
      const kmeans = new PlaygroundSession(playgroundRegistry());
      kmeans.load(s.save());
      await kmeans.addExample('a', Float32Array.from([1, 0.1, 0, 0]));
      expect(kmeans.loaded).toBe(false);
      [s, loaded, kmeans].forEach((x) => x.dispose());
    });
  });
});
