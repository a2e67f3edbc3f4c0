import { ImprintError, Imprinter, deserializeImprinter, serializeImprinter, type ImprintConfigInput, type Registry } from '@imprint/core';
import type { ImprintJob, ImprintJobResult } from './imprint-jobs.js';
import { leaveOneOut, type LabelledRows, type LeaveOneOutResult } from './leave-one-out.js';

/**
 * Where the playground imprints: on the page's thread ({@link localHeadBuilder}) or in its Web
 * Worker ({@link jobHeadBuilder} over the worker's messages). The session asks for heads and does
 * not know which.
 */
export interface HeadBuilder {
  /** For the page's status line: "the page", "a Web Worker". */
  readonly where: string;
  /** A head imprinted with `config` from the rows. */
  imprint(config: ImprintConfigInput, rows: LabelledRows): Promise<Imprinter>;
  /**
   * `head` with `rows` added to its class `label` (`Imprinter.addExamples`' semantics). Resolves to
   * the grown head: `head` itself, or a new head (then `head` has been disposed). On failure `head`
   * is unchanged and still usable.
   */
  addExamples(head: Imprinter, label: string, rows: Omit<LabelledRows, 'labels'>): Promise<Imprinter>;
  /** Leave-one-out results of each method on the rows. */
  leaveOneOut(rows: LabelledRows, methods: readonly ImprintConfigInput[]): Promise<LeaveOneOutResult[]>;
}

/** Imprint on the calling thread. */
export function localHeadBuilder(registry: Registry, where = 'the page'): HeadBuilder {
  return {
    where,
    async imprint(config, rows) {
      const head = Imprinter.fromConfig(config, registry);
      try {
        await head.imprint({ data: rows.data, shape: [...rows.shape] }, [...rows.labels]);
        return head;
      } catch (error) {
        head.dispose();
        throw error;
      }
    },
    async addExamples(head, label, rows) {
      await head.addExamples(label, { data: rows.data, shape: [...rows.shape] });
      return head;
    },
    leaveOneOut: (rows, methods) => leaveOneOut(rows, methods, registry),
  };
}

/**
 * Imprint through jobs (`runImprintJob`), sent by `run` — to the playground's worker, whose heads
 * come back as the file's bytes and are read here with the page's registry. Examples are
 * transferred, not copied: the rows given are left detached.
 */
export function jobHeadBuilder(run: (job: ImprintJob) => Promise<ImprintJobResult>, registry: Registry, where: string): HeadBuilder {
  const head = async (job: ImprintJob): Promise<Imprinter> => {
    const result = await run(job);
    if (result.kind !== 'head') throw new ImprintError('INVALID_INPUT', `the ${where} answered a ${job.kind} job with ${result.kind}`);
    return deserializeImprinter(result.bytes, registry, `the head from ${where}`);
  };
  return {
    where,
    imprint: (config, rows) => head({ kind: 'imprint', config, rows }),
    async addExamples(current, label, rows) {
      const grown = await head({ kind: 'addExamples', head: serializeImprinter(current), label, rows: { ...rows, labels: [] } });
      current.dispose();
      return grown;
    },
    async leaveOneOut(rows, methods) {
      const result = await run({ kind: 'leaveOneOut', methods, rows });
      if (result.kind !== 'leaveOneOut') throw new ImprintError('INVALID_INPUT', `the ${where} answered a leaveOneOut job with ${result.kind}`);
      return result.results;
    },
  };
}
