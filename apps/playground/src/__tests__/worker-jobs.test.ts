import { describe, expect, it } from 'vitest';
import { ImprintError, type Imprinter } from '@imprint/core';
import { expectNoTensorLeak } from '@imprint/core/testing';
import { jobHeadBuilder, localHeadBuilder, type HeadBuilder } from '../head-builder.js';
import { receivedError, runImprintJob, sendableError, transferablesOf, type ImprintJob, type ImprintJobResult } from '../imprint-jobs.js';
import { playgroundRegistry } from '../registry.js';
import { PlaygroundSession } from '../session.js';

const registry = playgroundRegistry();

/**
 * The worker's side without a thread: each job and result crosses a structured clone with its
 * buffers transferred, as `postMessage` does; `sent` records the rows' buffers on the page's side.
 */
function acrossAThread(sent: ArrayBuffer[] = []): (job: ImprintJob) => Promise<ImprintJobResult> {
  return async (job) => {
    const transfer = transferablesOf(job);
    sent.push(...transfer);
    const arrived = structuredClone(job, { transfer });
    const result = await runImprintJob(arrived, registry);
    return structuredClone(result, { transfer: transferablesOf(result) });
  };
}

/** Three classes in 6-d with a few examples each (deterministic). */
function examples(): { name: string; rows: Float32Array[] }[] {
  return ['a', 'b', 'c'].map((name, c) => ({
    name,
    rows: Array.from({ length: 4 + c }, (_, i) => Float32Array.from({ length: 6 }, (_, j) => (j === c * 2 ? 1 : 0) + 0.3 * Math.sin(7 * i + 3 * j + c))),
  }));
}

async function filled(builder?: HeadBuilder): Promise<PlaygroundSession> {
  const session = new PlaygroundSession(registry, builder);
  for (const { name, rows } of examples()) {
    session.addClass(name);
    await session.addExamples(name, rows);
  }
  return session;
}

const QUERIES = Array.from({ length: 5 }, (_, q) => Float32Array.from({ length: 6 }, (_, j) => Math.cos(q + 2 * j)));

describe('imprinting through jobs (what the playground worker runs)', () => {
  it('gives the heads, predictions and leave-one-out results of imprinting on the page, for every Table-1 method and a plugin GEN', async () => {
    await expectNoTensorLeak(async () => {
      const sent: ArrayBuffer[] = [];
      const local = await filled();
      const remote = await filled(jobHeadBuilder(acrossAThread(sent), registry, 'a test thread'));
      expect(remote.imprintsIn).toBe('a test thread');
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((buffer) => buffer.byteLength === 0)).toBe(true); // transferred, not copied
      for (const config of [{ preset: 'qi2018' }, { preset: 'imprintKmeans', k: 2 }, { preset: 'janson2022' }, { preset: 'hosoda2024' }, { preset: 'leastSquaresOracle' }, { gen: 'gmm', k: 2 }] as const) {
        await Promise.all([local.setConfig(config), remote.setConfig(config)]);
        expect(remote.save()).toEqual(local.save()); // the same file, byte for byte
        for (const q of QUERIES) expect(remote.predict(q)).toEqual(local.predict(q));
      }
      const methods = [{ preset: 'qi2018' }, { preset: 'janson2022' }] as const;
      expect(await remote.leaveOneOut(methods)).toEqual(await local.leaveOneOut(methods));
      local.dispose();
      remote.dispose();
    });
  });

  it('grows a loaded mean head in place through a job; a head without kept examples is rebuilt from the page’s examples', async () => {
    await expectNoTensorLeak(async () => {
      const built = await filled();
      const bytes = built.save();
      const more = [Float32Array.from([0.9, 0.2, 0, 0.1, 0, 0]), Float32Array.from([1, -0.1, 0.1, 0, 0.2, 0])];
      const [grownHere, grownThere] = [new PlaygroundSession(registry), new PlaygroundSession(registry, jobHeadBuilder(acrossAThread(), registry, 'a test thread'))];
      for (const s of [grownHere, grownThere]) {
        s.load(bytes);
        await s.addExamples('a', more);
        expect(s.loaded).toBe(true);
      }
      expect(grownThere.save()).toEqual(grownHere.save());
      for (const q of QUERIES) expect(grownThere.predict(q)).toEqual(grownHere.predict(q));

      // k-means keeps no examples: EXAMPLES_NOT_KEPT crosses the thread with its code, and the page rebuilds
      await built.setConfig({ preset: 'imprintKmeans', k: 2 });
      const kmeans = new PlaygroundSession(registry, jobHeadBuilder(acrossAThread(), registry, 'a test thread'));
      kmeans.load(built.save());
      await kmeans.addExamples('a', more);
      expect(kmeans.loaded).toBe(false);
      expect([...kmeans.proxyCounts()]).toEqual([['a', 2]]);
      [built, grownHere, grownThere, kmeans].forEach((s) => s.dispose());
    });
  });

  it('errors cross as ImprintErrors with their code; a failed job leaves the page’s state as it was', async () => {
    const sent = sendableError(new ImprintError('EXAMPLES_NOT_KEPT', 'not kept', { label: 'a' }));
    const again = receivedError(structuredClone(sent), 'a worker');
    expect(again).toBeInstanceOf(ImprintError);
    expect(again).toMatchObject({ code: 'EXAMPLES_NOT_KEPT', message: 'not kept', details: { label: 'a' } });
    expect(receivedError(sendableError(new TypeError('boom')), 'a worker').message).toBe('a worker: boom');
    await expect(runImprintJob({ kind: 'nope' } as unknown as ImprintJob, registry)).rejects.toThrow(/unknown imprinting job "nope"; jobs: imprint, addExamples, leaveOneOut/);

    await expectNoTensorLeak(async () => {
      const session = await filled(jobHeadBuilder(acrossAThread(), registry, 'a test thread'));
      const before = session.save();
      // a non-finite example is refused by the head in the worker: nothing is added on the page
      session.load(before);
      await expect(session.addExamples('a', [Float32Array.from([Number.NaN, 0, 0, 0, 0, 0])])).rejects.toMatchObject({ code: 'NON_FINITE' });
      expect(session.classes.find((c) => c.name === 'a')!.examples).toHaveLength(0);
      expect(session.save()).toEqual(before);
      session.dispose();
    });
  });

  it('imprints changes in the order they were asked for; a head imprinted for a state replaced meanwhile is dropped', async () => {
    await expectNoTensorLeak(async () => {
      // a slow first job and a fast second one: without the queue the first head would land last
      const delays = [60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
      const run = acrossAThread();
      const slowThenFast = jobHeadBuilder(async (job) => {
        await new Promise((resolve) => setTimeout(resolve, delays.shift() ?? 0));
        return run(job);
      }, registry, 'a test thread');
      const session = new PlaygroundSession(registry, slowThenFast);
      session.addClass('a');
      session.addClass('b');
      const [a, b] = examples();
      const first = session.addExamples('a', a!.rows);
      const second = session.addExamples('b', b!.rows);
      await Promise.all([first, second]);
      expect([...session.proxyCounts().keys()]).toEqual(['a', 'b']);

      // two growths of a loaded head, the first slow: each starts from the head the one before left
      const grownBoth = new PlaygroundSession(registry);
      grownBoth.load(session.save());
      const [x, y] = [Float32Array.from([1, 1, 0, 0, 0, 0]), Float32Array.from([0, 0, 0, 0, 1, 1])];
      await grownBoth.addExamples('a', [x]);
      await grownBoth.addExamples('a', [y]);
      const grownInTurn = new PlaygroundSession(registry, slowThenFast);
      grownInTurn.load(session.save());
      delays.unshift(60);
      await Promise.all([grownInTurn.addExamples('a', [x]), grownInTurn.addExamples('a', [y])]);
      expect(grownInTurn.save()).toEqual(grownBoth.save());
      grownBoth.dispose();
      grownInTurn.dispose();

      // a head loaded while a rebuild is in the worker stays; the rebuilt one is disposed
      const source = await filled();
      const loaded = source.save();
      source.dispose();
      delays.unshift(60);
      const rebuilding = session.setConfig({ preset: 'janson2022' });
      await new Promise((resolve) => setTimeout(resolve, 10));
      session.load(loaded);
      await rebuilding;
      expect(session.loaded).toBe(true);
      expect(session.save()).toEqual(loaded);
      session.dispose();
    });
  });

  it('the local builder grows the same head object; the job builder hands back a new one and disposes the old', async () => {
    await expectNoTensorLeak(async () => {
      const session = await filled();
      const bytes = session.save();
      const row = { data: Float32Array.from([1, 0, 0, 0, 0, 0]), shape: [1, 6] as const };
      const viaJobs = jobHeadBuilder(acrossAThread(), registry, 'a test thread');
      const here = localHeadBuilder(registry);
      const one = new PlaygroundSession(registry);
      one.load(bytes);
      const head: Imprinter = one.head!;
      expect(await here.addExamples(head, 'a', row)).toBe(head);
      const other = new PlaygroundSession(registry);
      other.load(bytes);
      const old = other.head!;
      const grown = await viaJobs.addExamples(old, 'a', { data: Float32Array.from(row.data), shape: row.shape });
      expect(grown).not.toBe(old);
      expect(() => old.predict([[1, 0, 0, 0, 0, 0]])).toThrow(/disposed/);
      grown.dispose();
      [session, one, other].forEach((s) => s.dispose());
    });
  });
});
