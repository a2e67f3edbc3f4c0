import { ImprintError } from '@imprint/core';

type NumericData = Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Uint32Array | BigInt64Array;

/** An n-dimensional array as held in a `.npy` file: numbers, or strings for `U`/`S` dtypes. */
export interface NpyArray {
  readonly data: NumericData | string[];
  readonly shape: readonly number[];
  /** numpy dtype descriptor, e.g. `<f4`. */
  readonly descr: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type TypedCtor = { new (length: number): NumericData; new (buffer: ArrayBuffer, byteOffset: number, length: number): NumericData; BYTES_PER_ELEMENT: number };
const DTYPES: Record<string, { ctor: TypedCtor; read: (view: DataView, offset: number, little: boolean) => number | bigint }> = {
  f4: { ctor: Float32Array, read: (v, o, l) => v.getFloat32(o, l) },
  f8: { ctor: Float64Array, read: (v, o, l) => v.getFloat64(o, l) },
  i4: { ctor: Int32Array, read: (v, o, l) => v.getInt32(o, l) },
  i8: { ctor: BigInt64Array as unknown as TypedCtor, read: (v, o, l) => v.getBigInt64(o, l) },
  i2: { ctor: Int16Array, read: (v, o, l) => v.getInt16(o, l) },
  u2: { ctor: Uint16Array, read: (v, o, l) => v.getUint16(o, l) },
  u4: { ctor: Uint32Array, read: (v, o, l) => v.getUint32(o, l) },
  u1: { ctor: Uint8Array, read: (v, o) => v.getUint8(o) },
  i1: { ctor: Int8Array, read: (v, o) => v.getInt8(o) },
  b1: { ctor: Uint8Array, read: (v, o) => v.getUint8(o) },
};

function bad(source: string, problem: string): ImprintError {
  return new ImprintError('BAD_FILE', `${source}: ${problem}`, { path: source });
}

export interface ParseNpyOptions {
  /**
   * Return the data as a view of `bytes` where it can be (host byte order, C order, aligned for
   * its type) instead of a copy — for large arrays read from a file that is not changed afterwards.
   * @default false
   */
  share?: boolean;
}

/** A header longer than this is refused (numpy refuses headers over 10 000 bytes unless told). */
const MAX_HEADER_BYTES = 1 << 20;

/** What a `.npy` header declares, and where the data starts. */
export interface NpyHeader {
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Byte offset of the data in the file. */
  readonly dataStart: number;
  /** Bytes per element. */
  readonly itemSize: number;
  /** Bytes the data takes: elements × item size. */
  readonly dataBytes: number;
}

type Literal = string | boolean | number | Literal[] | { [key: string]: Literal };

/**
 * Parse the Python literal of a `.npy` header (`{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`)
 * as Python's `ast.literal_eval` does for what numpy writes: dicts, tuples, lists, strings, True/False,
 * integers. A key given twice keeps its last value, as a Python dict does.
 */
function parseHeaderLiteral(text: string): Literal {
  let at = 0;
  const space = () => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  const fail = (what: string): never => {
    throw new Error(`${what} at character ${at}`);
  };
  const value = (): Literal => {
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      const out: Record<string, Literal> = {};
      for (space(); text[at] !== '}'; space()) {
        const key = value();
        if (typeof key !== 'string') fail('a dict key that is not a string');
        space();
        if (text[at++] !== ':') fail('":" expected');
        out[key as string] = value();
        space();
        if (text[at] === ',') at++;
        else if (text[at] !== '}') fail('"," or "}" expected');
        space();
        if (at >= text.length) fail('unterminated dict');
      }
      at++;
      return out;
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      at++;
      const out: Literal[] = [];
      for (space(); text[at] !== close; space()) {
        out.push(value());
        space();
        if (text[at] === ',') at++;
        else if (text[at] !== close) fail(`"," or "${close}" expected`);
        space();
        if (at >= text.length) fail('unterminated tuple');
      }
      at++;
      return out;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, at + 1);
      if (end < 0) fail('unterminated string');
      const out = text.slice(at + 1, end);
      at = end + 1;
      return out;
    }
    const word = /^(True|False|-?\d+L?)/.exec(text.slice(at))?.[0];
    if (word === undefined) fail(`unexpected ${JSON.stringify(text.slice(at, at + 10))}`);
    at += word!.length;
    return word === 'True' ? true : word === 'False' ? false : Number(word!.replace(/L$/, ''));
  };
  const out = value();
  space();
  if (at < text.length) fail('text after the header dict');
  return out;
}

/**
 * Parse a `.npy` header from the first bytes of the file (at least the 10 or 12 bytes of the
 * preamble, then the header itself; {@link npyHeaderLength} says how many). Checks what numpy
 * checks: exactly the keys `descr`, `fortran_order` and `shape` (a key given twice: its last
 * value, as numpy reads it), a known dtype, non-negative integer dimensions.
 */
export function parseNpyHeader(bytes: Uint8Array, source = '.npy data'): NpyHeader {
  const { headerStart, headerLength } = npyHeaderLength(bytes, source);
  if (headerStart + headerLength > bytes.length) throw bad(source, 'truncated .npy header');
  const major = bytes[6];
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  let dict: Literal;
  try {
    dict = parseHeaderLiteral(header);
  } catch (error) {
    throw bad(source, `malformed .npy header ${JSON.stringify(header.trim())}: ${(error as Error).message}`);
  }
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) throw bad(source, `malformed .npy header ${JSON.stringify(header.trim())}: not a dict`);
  const keys = Object.keys(dict).sort();
  if (keys.join(',') !== 'descr,fortran_order,shape') throw bad(source, `malformed .npy header: its keys are ${keys.join(', ') || 'none'}; a .npy header has exactly descr, fortran_order and shape`);
  const { descr, fortran_order: fortranOrder, shape } = dict as { descr: Literal; fortran_order: Literal; shape: Literal };
  if (typeof fortranOrder !== 'boolean') throw bad(source, `malformed .npy header: fortran_order must be True or False, got ${JSON.stringify(fortranOrder)}`);
  if (!Array.isArray(shape) || shape.some((n) => typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)) throw bad(source, `malformed shape ${JSON.stringify(shape)}`);
  if (typeof descr !== 'string') throw bad(source, `unsupported dtype ${JSON.stringify(descr)} (a structured array); save plain numeric arrays`);
  const itemSize = dtypeItemSize(descr, source);
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  return { descr, fortranOrder, shape: shape as number[], dataStart: headerStart + headerLength, itemSize, dataBytes: count * itemSize };
}

/** Where the header of a `.npy` file starts and how long it is (from the first 12 bytes). */
export function npyHeaderLength(bytes: Uint8Array, source = '.npy data'): { headerStart: number; headerLength: number } {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) throw bad(source, 'is not a .npy file (missing \\x93NUMPY magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let out: { headerStart: number; headerLength: number };
  if (major === 1) {
    out = { headerStart: 10, headerLength: view.getUint16(8, true) };
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw bad(source, 'truncated .npy header');
    out = { headerStart: 12, headerLength: view.getUint32(8, true) };
  } else {
    throw bad(source, `unsupported .npy format version ${major}`);
  }
  if (out.headerLength > MAX_HEADER_BYTES) throw bad(source, `its .npy header declares ${out.headerLength} bytes, more than ${MAX_HEADER_BYTES}: not a header numpy writes`);
  return out;
}

/** Bytes per element of a dtype descriptor; unsupported ones fail naming what is supported. */
function dtypeItemSize(descr: string, source: string): number {
  const order = descr[0];
  const kind = descr.slice(1);
  if (!['<', '>', '|', '='].includes(order)) throw bad(source, `unsupported dtype ${descr}`);
  if (kind === 'O') throw bad(source, `holds Python objects (dtype object, pickled), which are not read (numpy itself needs allow_pickle=True); save labels as strings (labels.astype(str)) or integers`);
  const text = /^([US])(\d+)$/.exec(kind);
  if (text !== null) return Number(text[2]) * (text[1] === 'U' ? 4 : 1);
  const dtype = DTYPES[kind];
  if (dtype === undefined) throw bad(source, `unsupported dtype ${descr}; supported: float32/64, int8/16/32/64, uint8/16/32, bool, strings (U/S)`);
  return dtype.ctor.BYTES_PER_ELEMENT;
}

/** The strings of a `U` (UTF-32) or `S` (bytes, read as UTF-8) array, trailing NULs removed as numpy does. */
function decodeStrings(bytes: Uint8Array, header: NpyHeader): string[] {
  const count = header.dataBytes / Math.max(1, header.itemSize);
  const out: string[] = new Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataStart, header.dataBytes);
  const unicode = header.descr[1] === 'U';
  const little = header.descr[0] !== '>';
  const utf8 = new TextDecoder();
  for (let i = 0; i < count; i++) {
    const start = i * header.itemSize;
    if (unicode) {
      const points: number[] = [];
      for (let c = 0; c < header.itemSize / 4; c++) points.push(view.getUint32(start + c * 4, little));
      while (points.length > 0 && points.at(-1) === 0) points.pop();
      out[i] = String.fromCodePoint(...points);
    } else {
      let end = header.itemSize;
      while (end > 0 && view.getUint8(start + end - 1) === 0) end--;
      out[i] = utf8.decode(new Uint8Array(view.buffer, view.byteOffset + start, end));
    }
  }
  return out;
}

/** Parse the bytes of a `.npy` file (format versions 1–3, C or Fortran order). */
export function parseNpy(bytes: Uint8Array, source = '.npy data', { share = false }: ParseNpyOptions = {}): NpyArray {
  const header = parseNpyHeader(bytes, source);
  const { descr, shape, dataStart, itemSize: size, dataBytes } = header;
  if (bytes.length - dataStart < dataBytes) throw bad(source, `data truncated: needs ${dataBytes} bytes for shape (${shape.join(', ')}), found ${bytes.length - dataStart}`);
  if (/^.[US]/.test(descr)) {
    if (header.fortranOrder && shape.length > 1) throw bad(source, 'Fortran-ordered string arrays are not supported');
    return { data: decodeStrings(bytes, header), shape, descr };
  }
  const dtype = DTYPES[descr.slice(1)];
  const little = descr[0] !== '>';
  const count = dataBytes / size;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let data: NumericData;
  if (share && !header.fortranOrder && (little === HOST_LITTLE_ENDIAN || size === 1) && (bytes.byteOffset + dataStart) % size === 0) {
    data = new dtype.ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset + dataStart, count);
  } else if (little === HOST_LITTLE_ENDIAN || size === 1) {
    // Host byte order: one block copy (aligned for the typed array), no per-element decoding.
    data = new dtype.ctor(count);
    new Uint8Array(data.buffer, data.byteOffset, count * size).set(bytes.subarray(dataStart, dataStart + count * size));
  } else {
    data = new dtype.ctor(count);
    const target = data as unknown as { [i: number]: number | bigint };
    for (let i = 0; i < count; i++) target[i] = dtype.read(view, dataStart + i * size, little);
  }
  const target = data as unknown as { [i: number]: number | bigint };
  if (header.fortranOrder && shape.length === 2) {
    const [rows, columns] = shape;
    const c = new dtype.ctor(count);
    const dest = c as unknown as { [i: number]: number | bigint };
    for (let r = 0; r < rows; r++) for (let col = 0; col < columns; col++) dest[r * columns + col] = target[col * rows + r];
    return { data: c, shape, descr };
  }
  if (header.fortranOrder && shape.length > 2) throw bad(source, 'Fortran-ordered arrays of rank > 2 are not supported');
  return { data, shape, descr };
}

/** Encode an array as a version 1.0 `.npy` file (little-endian, C order). */
export function encodeNpy(data: Float32Array | Int32Array | Float64Array, shape: readonly number[]): Uint8Array {
  const descr = data instanceof Float32Array ? '<f4' : data instanceof Int32Array ? '<i4' : '<f8';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  if (HOST_LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
    return out;
  }
  const view = new DataView(out.buffer, 10 + header.length);
  const size = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(i * size, data[i], true);
    else if (data instanceof Int32Array) view.setInt32(i * size, data[i], true);
    else view.setFloat64(i * size, data[i], true);
  }
  return out;
}
