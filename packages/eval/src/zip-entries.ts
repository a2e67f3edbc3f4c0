import { inflateSync } from 'fflate';

/** Why a zip archive could not be read (the caller names the file). */
export class ZipFormatError extends Error {}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;

interface CentralEntry {
  readonly method: number;
  readonly flags: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

function u64(view: DataView, offset: number): number {
  const value = view.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('has a size or offset beyond 2^53');
  return Number(value);
}

/** The end-of-central-directory record: where the central directory starts and how many entries it has. */
function centralDirectory(view: DataView): { offset: number; entries: number } {
  const last = view.byteLength - 22;
  let at = -1;
  for (let i = last; i >= Math.max(0, last - U16_MAX); i--) {
    if (view.getUint32(i, true) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipFormatError('has no end-of-central-directory record');
  let entries = view.getUint16(at + 10, true);
  let offset = view.getUint32(at + 16, true);
  if ((entries === U16_MAX || offset === U32_MAX) && at >= 20 && view.getUint32(at - 20, true) === ZIP64_LOCATOR) {
    const record = u64(view, at - 20 + 8);
    if (record + 56 > view.byteLength || view.getUint32(record, true) !== ZIP64_EOCD) throw new ZipFormatError('has a damaged zip64 end record');
    entries = u64(view, record + 32);
    offset = u64(view, record + 48);
  }
  return { offset, entries };
}

/** Sizes and offset of one central-directory entry, zip64 extra fields applied. */
function zip64Sizes(view: DataView, extraStart: number, extraEnd: number, entry: { size: number; compressedSize: number; localOffset: number }): CentralEntry['size'][] {
  let { size, compressedSize, localOffset } = entry;
  for (let at = extraStart; at + 4 <= extraEnd; ) {
    const id = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    if (id === 0x0001) {
      let field = at + 4;
      if (size === U32_MAX) {
        size = u64(view, field);
        field += 8;
      }
      if (compressedSize === U32_MAX) {
        compressedSize = u64(view, field);
        field += 8;
      }
      if (localOffset === U32_MAX) localOffset = u64(view, field);
    }
    at += 4 + length;
  }
  return [size, compressedSize, localOffset];
}

/**
 * The entries of a zip archive by name, read from its central directory without copying: a
 * stored entry is a view of `bytes`, a deflated one is inflated into a buffer of its own size.
 * Supports zip64 (numpy writes it) and the stored and deflate methods (`np.savez`,
 * `np.savez_compressed`); throws {@link ZipFormatError} for anything else or a damaged archive.
 * `wanted` limits which entries are extracted (all by default); the names of all are returned.
 */
export function readZipEntries(bytes: Uint8Array, wanted?: ReadonlySet<string>): { names: string[]; entries: Map<string, Uint8Array> } {
  if (bytes.byteLength < 22) throw new ZipFormatError('is too short to be a zip archive');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { offset, entries: count } = centralDirectory(view);
  const names: string[] = [];
  const entries = new Map<string, Uint8Array>();
  const decoder = new TextDecoder();
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.byteLength || view.getUint32(at, true) !== CENTRAL) throw new ZipFormatError('has a damaged central directory');
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const [size, compressedSize, localOffset] = zip64Sizes(view, at + 46 + nameLength, at + 46 + nameLength + extraLength, {
      size: view.getUint32(at + 24, true),
      compressedSize: view.getUint32(at + 20, true),
      localOffset: view.getUint32(at + 42, true),
    });
    const entry: CentralEntry = { method: view.getUint16(at + 10, true), flags: view.getUint16(at + 8, true), compressedSize, size, localOffset };
    names.push(name);
    if (wanted === undefined || wanted.has(name)) entries.set(name, extract(bytes, view, name, entry));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return { names, entries };
}

function extract(bytes: Uint8Array, view: DataView, name: string, entry: CentralEntry): Uint8Array {
  const local = entry.localOffset;
  if (local + 30 > bytes.byteLength || view.getUint32(local, true) !== LOCAL) throw new ZipFormatError(`has a damaged local header for ${name}`);
  if ((entry.flags & 1) !== 0) throw new ZipFormatError(`has an encrypted entry ${name}`);
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.byteLength) throw new ZipFormatError(`is truncated: entry ${name} needs ${end} bytes, the file has ${bytes.byteLength}`);
  const data = bytes.subarray(start, end);
  if (entry.method === 0) return data;
  if (entry.method === 8) {
    const out = inflateSync(data, { out: new Uint8Array(entry.size) });
    if (out.byteLength !== entry.size) throw new ZipFormatError(`has a damaged deflated entry ${name}`);
    return out;
  }
  throw new ZipFormatError(`uses compression method ${entry.method} for ${name}; only stored and deflate archives are read`);
}
