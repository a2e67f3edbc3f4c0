import { ImprintError, Imprinter, deserializeImprinter, serializeImprinter, type ImprintConfigInput, type ImprintErrorCode, type Label, type Registry } from '@imprint/core';
import { leaveOneOut, type LabelledRows, type LeaveOneOutResult } from './leave-one-out.js';

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

/** Do one job (in the worker, or on the page for `?worker=0` and the tests). The registry must be the page's. */
export async function runImprintJob(job: ImprintJob, registry: Registry): Promise<ImprintJobResult> {
  switch (job.kind) {
    case 'imprint': {
      const head = Imprinter.fromConfig(job.config, registry);
      try {
        await head.imprint({ data: job.rows.data, shape: [...job.rows.shape] }, [...job.rows.labels]);
        return { kind: 'head', bytes: serializeImprinter(head) };
      } finally {
        head.dispose();
      }
    }
    case 'addExamples': {
      const head = deserializeImprinter(job.head, registry, 'the page’s head');
      try {
        await head.addExamples(job.label, { data: job.rows.data, shape: [...job.rows.shape] });
        return { kind: 'head', bytes: serializeImprinter(head) };
      } finally {
        head.dispose();
      }
    }
    case 'leaveOneOut':
      return { kind: 'leaveOneOut', results: await leaveOneOut(job.rows, job.methods, registry) };
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
