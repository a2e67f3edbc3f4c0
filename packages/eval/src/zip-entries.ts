import zlib from 'node:zlib';
import { Inflate } from 'fflate';
import { crc32 as portableCrc32 } from '@imprint/core';

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
  readonly crc: number;
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
      const fieldEnd = Math.min(at + 4 + length, extraEnd);
      const next = (): number => {
        if (field + 8 > fieldEnd) throw new ZipFormatError('has a damaged zip64 extra field (shorter than the sizes it must hold)');
        const value = u64(view, field);
        field += 8;
        return value;
      };
      if (size === U32_MAX) size = next();
      if (compressedSize === U32_MAX) compressedSize = next();
      if (localOffset === U32_MAX) localOffset = next();
    }
    at += 4 + length;
  }
  return [size, compressedSize, localOffset];
}

/**
 * How far deflate can expand data: at most 1032 bytes out per byte in (RFC 1951's longest match,
 * 258 bytes, for every 2 bits). An entry declaring more is forged or damaged.
 */
const DEFLATE_MAX_RATIO = 1032;
/** Compressed bytes inflated per step, so a forged size is caught after little output. */
const INFLATE_STEP = 1 << 20;

/** CRC-32 of `bytes`: Node's native one where it exists (20.15+), else the portable one. */
const crc32: (bytes: Uint8Array) => number = (zlib as { crc32?: (data: Uint8Array) => number }).crc32 ?? portableCrc32;

/**
 * One entry of a zip archive, not yet extracted: its declared size, its first bytes (to check a
 * header before anything large is allocated) and its whole contents, checked against its CRC-32.
 */
export interface ZipEntry {
  readonly name: string;
  /** Uncompressed size the archive declares (checked against what the data inflates to). */
  readonly size: number;
  /** The first `count` bytes (fewer if the entry is shorter), inflating only what they need. */
  head(count: number): Uint8Array;
  /** The whole entry: a view of the archive for a stored entry, a buffer of `size` bytes for a deflated one. */
  read(): Uint8Array;
}

/**
 * The entries of a zip archive by name, read from its central directory without copying. Supports
 * zip64 (numpy writes it) and the stored and deflate methods (`np.savez`, `np.savez_compressed`).
 * Throws {@link ZipFormatError} for a damaged archive: a truncated or forged structure, sizes that
 * disagree with the data (a deflated entry inflating to more or less than declared, or declaring
 * more than deflate can produce), a damaged deflate stream, a CRC-32 mismatch, or an encrypted or
 * otherwise compressed entry. `wanted` limits which entries are returned (all by default); the
 * names of all are returned.
 */
export function readZipEntries(bytes: Uint8Array, wanted?: ReadonlySet<string>): { names: string[]; entries: Map<string, ZipEntry> } {
  try {
    return readCentralDirectory(bytes, wanted);
  } catch (error) {
    // A structure pointing outside the file (forged offsets or lengths) ends in a RangeError from
    // the DataView; it is a damaged archive, said as such.
    if (error instanceof RangeError) throw new ZipFormatError(`is damaged: a record points outside the file (${error.message})`);
    throw error;
  }
}

function readCentralDirectory(bytes: Uint8Array, wanted?: ReadonlySet<string>): { names: string[]; entries: Map<string, ZipEntry> } {
  if (bytes.byteLength < 22) throw new ZipFormatError('is too short to be a zip archive');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { offset, entries: count } = centralDirectory(view);
  const names: string[] = [];
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder();
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.byteLength || view.getUint32(at, true) !== CENTRAL) throw new ZipFormatError('has a damaged central directory');
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength + extraLength > bytes.byteLength) throw new ZipFormatError('has a damaged central directory');
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const [size, compressedSize, localOffset] = zip64Sizes(view, at + 46 + nameLength, at + 46 + nameLength + extraLength, {
      size: view.getUint32(at + 24, true),
      compressedSize: view.getUint32(at + 20, true),
      localOffset: view.getUint32(at + 42, true),
    });
    const entry: CentralEntry = { method: view.getUint16(at + 10, true), flags: view.getUint16(at + 8, true), crc: view.getUint32(at + 16, true), compressedSize, size, localOffset };
    names.push(name);
    if (entries.has(name)) throw new ZipFormatError(`holds two entries named ${name}`);
    if (wanted === undefined || wanted.has(name)) entries.set(name, locate(bytes, view, name, entry));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return { names, entries };
}

function locate(bytes: Uint8Array, view: DataView, name: string, entry: CentralEntry): ZipEntry {
  const local = entry.localOffset;
  if (local + 30 > bytes.byteLength || view.getUint32(local, true) !== LOCAL) throw new ZipFormatError(`has a damaged local header for ${name}`);
  if ((entry.flags & 1) !== 0) throw new ZipFormatError(`has an encrypted entry ${name}`);
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.byteLength) throw new ZipFormatError(`is truncated: entry ${name} needs ${end} bytes, the file has ${bytes.byteLength}`);
  const data = bytes.subarray(start, end);
  const checked = (out: Uint8Array): Uint8Array => {
    const actual = crc32(out) >>> 0;
    if (actual !== entry.crc) throw new ZipFormatError(`has a damaged entry ${name}: its CRC-32 is ${hex(actual)}, the archive records ${hex(entry.crc)}`);
    return out;
  };
  if (entry.method === 0) {
    if (entry.size !== entry.compressedSize) throw new ZipFormatError(`has a damaged entry ${name}: stored, yet it declares ${entry.size} bytes in ${entry.compressedSize}`);
    return { name, size: entry.size, head: (count) => data.subarray(0, count), read: () => checked(data) };
  }
  if (entry.method !== 8) throw new ZipFormatError(`uses compression method ${entry.method} for ${name}; only stored and deflate archives are read`);
  if (entry.size > DEFLATE_MAX_RATIO * entry.compressedSize + 1024) {
    throw new ZipFormatError(`has a damaged entry ${name}: it declares ${entry.size} bytes from ${entry.compressedSize} compressed, more than deflate can produce (${DEFLATE_MAX_RATIO}× at most)`);
  }
  return {
    name,
    size: entry.size,
    head: (count) => inflateInto(data, new Uint8Array(Math.min(count, entry.size)), name, false),
    read: () => checked(inflateInto(data, new Uint8Array(entry.size), name, true)),
  };
}

/**
 * Inflate `data` into `out` step by step. With `whole`, the stream must fill `out` exactly: more
 * output or less is a damaged entry. Without it, inflating stops once `out` is full.
 */
function inflateInto(data: Uint8Array, out: Uint8Array, name: string, whole: boolean): Uint8Array {
  let written = 0;
  let overflow = false;
  const stream = new Inflate((chunk) => {
    const room = out.byteLength - written;
    if (chunk.byteLength > room) overflow = true;
    out.set(chunk.byteLength > room ? chunk.subarray(0, room) : chunk, written);
    written += Math.min(room, chunk.byteLength);
  });
  try {
    for (let at = 0; at < data.byteLength; at += INFLATE_STEP) {
      const last = at + INFLATE_STEP >= data.byteLength;
      stream.push(data.subarray(at, at + INFLATE_STEP), last);
      if (overflow && whole) throw new ZipFormatError(`has a damaged entry ${name}: it inflates to more than the ${out.byteLength} bytes it declares`);
      if (!whole && written === out.byteLength) return out;
    }
  } catch (error) {
    if (error instanceof ZipFormatError) throw error;
    throw new ZipFormatError(`has a damaged entry ${name}: its deflate stream is damaged (${(error as Error).message})`);
  }
  if (whole && written !== out.byteLength) throw new ZipFormatError(`has a damaged entry ${name}: it inflates to ${written} bytes, it declares ${out.byteLength}`);
  return written === out.byteLength ? out : out.subarray(0, written);
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}
