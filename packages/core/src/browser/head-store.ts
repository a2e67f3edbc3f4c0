import { ImprintError } from '../util/errors.js';
import type { Registry } from '../config/registry.js';
import type { Imprinter } from '../head/imprinter.js';
import { deserializeImprinter, readHeadManifest, serializeImprinter, type ReadHeadOptions } from '../head/serialization.js';

// The few IndexedDB shapes used here, so that this module needs no DOM type library.
interface IdbRequest<T> {
  result: T;
  error: unknown;
  onsuccess: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: ((event: unknown) => void) | null;
  onblocked: ((event: unknown) => void) | null;
}
interface IdbObjectStore {
  put(value: unknown): IdbRequest<unknown>;
  get(key: string): IdbRequest<unknown>;
  getAll(): IdbRequest<unknown[]>;
  delete(key: string): IdbRequest<unknown>;
}
interface IdbTransaction {
  objectStore(name: string): IdbObjectStore;
  oncomplete: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onabort: ((event: unknown) => void) | null;
  error: unknown;
}
interface IdbDatabase {
  objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string, options: { keyPath: string }): unknown;
  transaction(store: string, mode: 'readonly' | 'readwrite'): IdbTransaction;
  close(): void;
}
/** What this module needs of `indexedDB` (the browser's, or a test double such as fake-indexeddb's). */
export interface IdbFactoryLike {
  open(name: string, version?: number): IdbOpenRequest;
}

/** Where heads are kept: an IndexedDB database (default `imprint-heads`) with one object store `heads`. */
export interface HeadStoreOptions {
  /** @default 'imprint-heads' */
  readonly database?: string;
  /** @default globalThis.indexedDB */
  readonly indexedDB?: IdbFactoryLike;
}

/** A saved head as {@link listSavedHeads} describes it (without loading it). */
export interface SavedHeadInfo {
  readonly name: string;
  /** When it was saved (ISO 8601). */
  readonly savedAt: string;
  /** Size of the saved bytes — the same bytes `saveImprinter` writes to a file. */
  readonly bytes: number;
  readonly classes: number;
  readonly dim: number;
  /** The GEN of its config (`kmeans`, `mean`, …). */
  readonly gen: string;
}

interface StoredHead {
  readonly name: string;
  readonly savedAt: string;
  readonly data: Uint8Array;
}

const STORE = 'heads';

function factoryOf(options: HeadStoreOptions): IdbFactoryLike {
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IdbFactoryLike }).indexedDB;
  if (factory === undefined) throw new ImprintError('UNSUPPORTED', 'IndexedDB is not available here (a browser page or worker has it; in Node save heads with saveImprinter from @imprint/core/node, or pass { indexedDB } from fake-indexeddb)');
  return factory;
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw new ImprintError('INVALID_INPUT', `a saved head needs a non-empty name, got ${JSON.stringify(name) ?? String(name)}`);
  return name;
}

function settle<T>(request: IdbRequest<T>, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new ImprintError('IO', `IndexedDB: ${what} failed: ${String((request.error as { message?: string } | null)?.message ?? request.error)}`));
  });
}

async function openDatabase(options: HeadStoreOptions): Promise<IdbDatabase> {
  const name = options.database ?? 'imprint-heads';
  const request = factoryOf(options).open(name, 1);
  request.onupgradeneeded = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'name' });
  };
  request.onblocked = () => undefined;
  return settle(request, `opening the database "${name}"`);
}

/** Run one transaction on the heads store; resolves once it has committed (so a put is durable when it returns). */
async function withStore<T>(options: HeadStoreOptions, mode: 'readonly' | 'readwrite', body: (store: IdbObjectStore) => Promise<T>): Promise<T> {
  const db = await openDatabase(options);
  try {
    const transaction = db.transaction(STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      const fail = () => reject(new ImprintError('IO', `IndexedDB: the transaction failed: ${String((transaction.error as { message?: string } | null)?.message ?? transaction.error)}`));
      transaction.onerror = fail;
      transaction.onabort = fail;
    });
    let result: T;
    try {
      result = await body(transaction.objectStore(STORE));
    } catch (error) {
      await done.catch(() => undefined);
      throw error;
    }
    await done;
    return result;
  } finally {
    db.close();
  }
}

function infoOf(record: StoredHead): SavedHeadInfo {
  const { manifest } = readHeadManifest(record.data, `saved head "${record.name}"`);
  return { name: record.name, savedAt: record.savedAt, bytes: record.data.length, classes: manifest.classes.length, dim: manifest.dim, gen: String(manifest.config.gen ?? '') };
}

/**
 * Save a head in the browser's IndexedDB under `name` (replacing a head of that name): the same
 * bytes and whole-file checksum `saveImprinter` writes to a file, written in one transaction, so
 * the stored head is the old one or the new one, never half of either.
 */
export async function saveHeadInBrowser(name: string, head: Imprinter, options: HeadStoreOptions = {}): Promise<SavedHeadInfo> {
  const record: StoredHead = { name: checkName(name), savedAt: new Date().toISOString(), data: serializeImprinter(head) };
  await withStore(options, 'readwrite', (store) => settle(store.put(record), `saving head "${name}"`));
  return infoOf(record);
}

/** Load a head saved with {@link saveHeadInBrowser}; its checksum is verified, its plugins resolved through `registry`. */
export async function loadHeadFromBrowser(name: string, registry: Registry, options: HeadStoreOptions & ReadHeadOptions = {}): Promise<Imprinter> {
  checkName(name);
  const record = (await withStore(options, 'readonly', (store) => settle(store.get(name), `reading head "${name}"`))) as StoredHead | undefined;
  if (record === undefined) {
    const names = (await listSavedHeads(options)).map((h) => JSON.stringify(h.name));
    throw new ImprintError('INVALID_INPUT', `no head is saved in the browser as ${JSON.stringify(name)}; saved: ${names.join(', ') || '(none)'}`, { name });
  }
  if (!(record.data instanceof Uint8Array)) throw new ImprintError('CORRUPT_FILE', `the browser's saved head ${JSON.stringify(name)} holds no bytes`, { name });
  return deserializeImprinter(record.data, registry, `the browser's saved head ${JSON.stringify(name)}`, options);
}

/** The heads saved in the browser, by name. A record that is not a valid head is listed with `classes: 0` rather than failing the list. */
export async function listSavedHeads(options: HeadStoreOptions = {}): Promise<SavedHeadInfo[]> {
  const records = (await withStore(options, 'readonly', (store) => settle(store.getAll(), 'listing saved heads'))) as StoredHead[];
  return records
    .map((record) => {
      try {
        return infoOf(record);
      } catch {
        return { name: record.name, savedAt: record.savedAt, bytes: record.data?.length ?? 0, classes: 0, dim: 0, gen: '' };
      }
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Delete the head saved as `name`; true when there was one. */
export async function deleteSavedHead(name: string, options: HeadStoreOptions = {}): Promise<boolean> {
  checkName(name);
  return withStore(options, 'readwrite', async (store) => {
    const existing = await settle(store.get(name), `reading head "${name}"`);
    if (existing === undefined) return false;
    await settle(store.delete(name), `deleting head "${name}"`);
    return true;
  });
}
