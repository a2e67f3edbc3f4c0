import { badFile } from './file-errors.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Labels read from a file as int32, exactly or not at all: integer arrays of any width are
 * accepted when every value fits in int32 (the reference layout's label type), and rejected with
 * the offending value and row otherwise — never wrapped, which would silently merge classes.
 */
export function exactInt32Labels(values: unknown, path: string): Int32Array {
  if (values instanceof Int32Array) return values;
  if (values instanceof Uint8Array || values instanceof Int8Array || values instanceof Int16Array || values instanceof Uint16Array) return Int32Array.from(values);
  if (values instanceof Uint32Array || values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value > INT32_MAX || value < INT32_MIN) {
        throw badFile(path, `label ${String(value)} at row ${i} does not fit in int32; labels must be integers from ${INT32_MIN} to ${INT32_MAX} (relabel the classes, e.g. to 0…C−1)`);
      }
      out[i] = Number(value);
    }
    return out;
  }
  const dtype = (values as { constructor?: { name?: string } } | null)?.constructor?.name ?? typeof values;
  throw badFile(path, `"labels" must hold integers, got ${dtype}`);
}

/**
 * Labels read from a file: integers (see {@link exactInt32Labels}), or strings — class names —
 * numbered in sorted order (`classNames[label]` is the name), as `np.unique` numbers them.
 */
export function labelsFromFile(values: unknown, path: string): { labels: Int32Array; classNames?: readonly string[] } {
  if (Array.isArray(values) && values.every((v) => typeof v === 'string')) {
    const classNames = [...new Set(values as string[])].sort();
    const index = new Map(classNames.map((name, i) => [name, i]));
    return { labels: Int32Array.from(values as string[], (name) => index.get(name)!), classNames };
  }
  return { labels: exactInt32Labels(values, path) };
}
