import { ImprintError } from '@imprint/core';

/** An n-dimensional array as held in a `.npy` file. */
export interface NpyArray {
  readonly data: Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Uint32Array | BigInt64Array;
  readonly shape: readonly number[];
  /** numpy dtype descriptor, e.g. `<f4`. */
  readonly descr: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type TypedCtor = { new (length: number): NpyArray['data']; new (buffer: ArrayBuffer, byteOffset: number, length: number): NpyArray['data']; BYTES_PER_ELEMENT: number };
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

/** Parse the bytes of a `.npy` file (format versions 1–3, C or Fortran order). */
export function parseNpy(bytes: Uint8Array, source = '.npy data', { share = false }: ParseNpyOptions = {}): NpyArray {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) throw bad(source, 'is not a .npy file (missing \\x93NUMPY magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw bad(source, 'truncated .npy header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw bad(source, `unsupported .npy format version ${major}`);
  }
  if (headerStart + headerLength > bytes.length) throw bad(source, 'truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw bad(source, `malformed .npy header ${JSON.stringify(header.trim())}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw bad(source, `malformed shape (${shapeText})`);
  const order = descr[0];
  const kind = descr.slice(1);
  const dtype = DTYPES[kind];
  if (dtype === undefined || !['<', '>', '|', '='].includes(order)) {
    throw bad(source, `unsupported dtype ${descr}; supported: float32/64, int8/16/32/64, uint8/16/32, bool`);
  }
  const little = order !== '>';
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  const size = dtype.ctor.BYTES_PER_ELEMENT;
  if (bytes.length - dataStart < count * size) throw bad(source, `data truncated: needs ${count * size} bytes for shape (${shape.join(', ')}), found ${bytes.length - dataStart}`);
  let data: NpyArray['data'];
  if (share && fortran === 'False' && (little === HOST_LITTLE_ENDIAN || size === 1) && (bytes.byteOffset + dataStart) % size === 0) {
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
  if (fortran === 'True' && shape.length === 2) {
    const [rows, columns] = shape;
    const c = new dtype.ctor(count);
    const dest = c as unknown as { [i: number]: number | bigint };
    for (let r = 0; r < rows; r++) for (let col = 0; col < columns; col++) dest[r * columns + col] = target[col * rows + r];
    return { data: c, shape, descr };
  }
  if (fortran === 'True' && shape.length > 2) throw bad(source, 'Fortran-ordered arrays of rank > 2 are not supported');
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
