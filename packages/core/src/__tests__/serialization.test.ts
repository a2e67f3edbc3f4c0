import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deserializeImprinter, ImprintError, Imprinter, serializeImprinter } from '../index.js';
import { loadImprinter, saveImprinter } from '../node/index.js';
import { syntheticClasses } from '../testing/index.js';
import { testRegistry } from './test-plugins.js';

async function sampleHead(): Promise<Imprinter> {
  const { data, labels, dim } = syntheticClasses(3, 10, 7, 21);
  const named = labels.map((l) => (l === 0 ? 'zero' : l * 10));
  const head = Imprinter.fromConfig({ gen: 'random', k: 3, normPre: 'l2', normPost: 'none', name: 'demo' }, testRegistry());
  await head.imprint({ data, shape: [labels.length, dim] }, named);
  return head;
}

function corruptionOf(bytes: Uint8Array): ImprintError {
  try {
    deserializeImprinter(bytes, testRegistry()).dispose();
  } catch (error) {
    expect(error).toBeInstanceOf(ImprintError);
    expect((error as ImprintError).code).toBe('CORRUPT_FILE');
    return error as ImprintError;
  }
  throw new Error('corrupt bytes were accepted');
}

describe('serialization', () => {
  it('round-trips weights bit for bit, with the label map and config', async () => {
    const head = await sampleHead();
    const bytes = serializeImprinter(head);
    const restored = deserializeImprinter(bytes, testRegistry());
    expect(restored.classes).toEqual([10, 20, 'zero']);
    expect(restored.proxyCounts).toEqual(head.proxyCounts);
    expect(restored.config).toEqual(head.config);
    expect(restored.weights().weights.dataSync()).toEqual(head.weights().weights.dataSync());
    const queries = [[0.3, -1, 2, 0, 1, 1, 0.5], [1, 1, 1, 1, 1, 1, 1]];
    expect(restored.predict(queries)).toEqual(head.predict(queries));
    expect(serializeImprinter(restored)).toEqual(bytes);
    head.dispose();
    restored.dispose();
  });

  it('stores float32 compactly: header + 4 bytes per weight', async () => {
    const head = await sampleHead();
    const bytes = serializeImprinter(head);
    const weights = 9 * 7 * 4;
    expect(bytes.length).toBeGreaterThan(weights);
    expect(bytes.length).toBeLessThan(weights + 1024);
    head.dispose();
  });

  it('detects truncation, bit flips, foreign data and unsupported versions', async () => {
    const head = await sampleHead();
    const bytes = serializeImprinter(head);
    head.dispose();
    expect(corruptionOf(bytes.subarray(0, bytes.length - 4)).message).toMatch(/truncated/);
    const flipped = bytes.slice();
    flipped[flipped.length - 5] ^= 0x10;
    expect(corruptionOf(flipped).message).toMatch(/checksum/);
    expect(corruptionOf(new TextEncoder().encode('{"not": "a head"}')).message).toMatch(/magic/);
    expect(corruptionOf(bytes.subarray(0, 6)).message).toMatch(/shorter than the header/);
    const versioned = bytes.slice();
    const at = Buffer.from(versioned).indexOf('"formatVersion":1');
    versioned[at + '"formatVersion":'.length] = '9'.charCodeAt(0);
    expect(corruptionOf(versioned).message).toMatch(/format version 9 is not supported/);
  });

  it('saves atomically and loads from disk; a failed save leaves the old file and no temp file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imprint-save-'));
    const path = join(dir, 'head.imprint');
    const head = await sampleHead();
    await saveImprinter(head, path);
    const loaded = await loadImprinter(path, testRegistry());
    expect(loaded.weights().weights.dataSync()).toEqual(head.weights().weights.dataSync());
    loaded.dispose();
    const before = await readFile(path);
    const empty = Imprinter.fromConfig({}, testRegistry());
    await expect(saveImprinter(empty, path)).rejects.toThrow(/cannot save a head without classes/);
    expect(await readFile(path)).toEqual(before);
    await expect(saveImprinter(head, join(dir, 'missing-dir', 'x.imprint'))).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['head.imprint']);
    head.dispose();
    empty.dispose();
    await writeFile(join(dir, 'garbage.imprint'), 'hello');
    await expect(loadImprinter(join(dir, 'garbage.imprint'), testRegistry())).rejects.toMatchObject({ code: 'CORRUPT_FILE' });
    await expect(loadImprinter(join(dir, 'nope.imprint'), testRegistry())).rejects.toMatchObject({ code: 'BAD_FILE' });
  });

  it('refuses to add classes to a restored joint head instead of guessing', async () => {
    const head = Imprinter.fromConfig({ gen: 'centered', normPre: 'none', normPost: 'none' }, testRegistry());
    await head.imprint([[1, 0], [0, 1]], [0, 1]);
    const restored = deserializeImprinter(serializeImprinter(head), testRegistry());
    await expect(restored.addClass(2, [[1, 1]])).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(restored.classes).toEqual([0, 1]);
    head.dispose();
    restored.dispose();
  });
});
