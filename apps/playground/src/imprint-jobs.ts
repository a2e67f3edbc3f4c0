import { ImprintError, deserializeImprinter, serializeImprinter, type ImprintConfigInput, type ImprintErrorCode, type Imprinter, type Label, type Registry } from '@imprint/core';
import { localHeadBuilder } from './head-builder.js';
import type { LabelledRows, LeaveOneOutResult } from './leave-one-out.js';

/**
 * The playground's imprinting work as messages: what the page sends its worker and what comes back.
 * Plain data only (structured-clone safe); matrices and heads travel as buffers that are
 * transferred, not copied. Heads travel as the file format (`serializeImprinter`), so a head built
 * in the worker is, byte for byte, the head the page saves.
 */
export type ImprintJob =
  | { readonly kind: 'imprint'; readonly config: ImprintConfigInput; readonly rows: LabelledRows }
  | { readonly kind: 'addExamples'; readonly head: Uint8Array; readonly label: string; readonly rows: LabelledRows }
  | { readonly kind: 'leaveOneOut'; readonly methods: readonly ImprintConfigInput[]; readonly rows: LabelledRows };

export type ImprintJobResult = { readonly kind: 'head'; readonly bytes: Uint8Array } | { readonly kind: 'leaveOneOut'; readonly results: LeaveOneOutResult[] };

/** An error as it crosses a thread: its message and, for an ImprintError, its code and details. */
export interface SentError {
  readonly message: string;
  readonly code?: ImprintErrorCode;
  readonly details?: Record<string, unknown>;
}

export function sendableError(error: unknown): SentError {
  if (error instanceof ImprintError) return { message: error.message, code: error.code, ...(error.details === undefined ? {} : { details: structuredCloneable(error.details) }) };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** The error again on the receiving side: an ImprintError with its code where it was one. */
export function receivedError(sent: SentError, where: string): Error {
  return sent.code === undefined ? new Error(`${where}: ${sent.message}`) : new ImprintError(sent.code, sent.message, sent.details);
}

function structuredCloneable(details: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  try {
    return structuredClone({ ...details });
  } catch {
    return undefined;
  }
}

/** The buffers of a job or result to transfer with its message. */
export function transferablesOf(message: ImprintJob | ImprintJobResult): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const add = (view: ArrayBufferView) => {
    if (view.buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && !out.includes(view.buffer)) out.push(view.buffer);
  };
  if ('rows' in message) add(message.rows.data);
  if (message.kind === 'addExamples') add(message.head);
  if (message.kind === 'head') add(message.bytes);
  return out;
}

/**
 * Do one job (in the worker; on the page only in the tests) with the page's own imprinting
 * (`localHeadBuilder`), the head going back as the file's bytes. The registry must be the page's.
 */
export async function runImprintJob(job: ImprintJob, registry: Registry): Promise<ImprintJobResult> {
  const local = localHeadBuilder(registry, 'this thread');
  const asBytes = (head: Imprinter): ImprintJobResult => {
    try {
      return { kind: 'head', bytes: serializeImprinter(head) };
    } finally {
      head.dispose();
    }
  };
  switch (job.kind) {
    case 'imprint':
      return asBytes(await local.imprint(job.config, job.rows));
    case 'addExamples': {
      const head = deserializeImprinter(job.head, registry, 'the page’s head');
      let grown: Imprinter;
      try {
        grown = await local.addExamples(head, job.label, job.rows);
      } catch (error) {
        head.dispose();
        throw error;
      }
      return asBytes(grown);
    }
    case 'leaveOneOut':
      return { kind: 'leaveOneOut', results: await local.leaveOneOut(job.rows, job.methods) };
    default:
      throw new ImprintError('INVALID_INPUT', `unknown imprinting job ${JSON.stringify((job as { kind?: unknown }).kind)}; jobs: imprint, addExamples, leaveOneOut`);
  }
}

/** Rows for a job: the examples packed into one fresh matrix (its buffer may be transferred). */
export function packRows(examples: readonly Float32Array[], labels: readonly Label[]): LabelledRows {
  const dim = examples[0]?.length ?? 0;
  const data = new Float32Array(examples.length * dim);
  examples.forEach((e, i) => data.set(e, i * dim));
  return { data, shape: [examples.length, dim], labels: [...labels] };
}
