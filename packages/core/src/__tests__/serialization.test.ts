import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { crc32, definePlugin, deserializeImprinter, ImprintError, Imprinter, serializeImprinter } from '../index.js';
import { loadImprinter, saveImprinter } from '../node/index.js';
import { syntheticClasses } from '../testing/index.js';
import { randomRows, testRegistry } from './test-plugins.js';

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
    expect(corruptionOf(bytes.subarray(0, bytes.length - 4)).message).toMatch(/checksum \(a byte was changed, or the file was cut short\)/);
    const flipped = bytes.slice();
    flipped[flipped.length - 5] ^= 0x10;
    expect(corruptionOf(flipped).message).toMatch(/checksum/);
    expect(corruptionOf(new TextEncoder().encode('{"not": "a head"}')).message).toMatch(/magic/);
    expect(corruptionOf(bytes.subarray(0, 6)).message).toMatch(/shorter than the header/);
    const versioned = bytes.slice();
    const at = Buffer.from(versioned).indexOf('"formatVersion":2');
    expect(at).toBeGreaterThan(0);
    versioned[at + '"formatVersion":'.length] = '9'.charCodeAt(0);
    expect(corruptionOf(versioned).message).toMatch(/format version 9 is not supported/);
  });

  it('checks the whole file: a changed byte in the manifest (a class label, the aggregator) is caught', async () => {
    const head = await sampleHead();
    const bytes = serializeImprinter(head);
    head.dispose();
    for (const needle of ['"zero"', '"agg":"max"', '"k":3']) {
      const changed = bytes.slice();
      const at = Buffer.from(changed).indexOf(needle);
      expect(at).toBeGreaterThan(0);
      changed[at + 2] ^= 0x01; // still valid JSON: one letter or digit changes
      expect(corruptionOf(changed).message).toMatch(/checksum/);
    }
  });

  it('refuses non-finite weights even under a valid checksum, and warns when a plugin version changed since saving', async () => {
    const head = await sampleHead();
    const bytes = serializeImprinter(head).slice();
    const view = new DataView(bytes.buffer);
    view.setUint32(bytes.length - 8, 0x7fc00000, true); // the last weight: NaN
    view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true); // a valid checksum
    expect(() => deserializeImprinter(bytes, testRegistry(), 'nan.imprint')).toThrow(/nan\.imprint: the saved weights hold a non-finite value \(NaN\)/);

    const versioned = (version: string) =>
      testRegistry().use(definePlugin({ kind: 'generator', name: 'random', create: () => ({ ...randomRows(), version }) }), { override: true });
    const saved = Imprinter.fromConfig({ gen: 'random', k: 2 }, versioned('1.0.0'));
    await saved.imprint([[1, 0], [0, 1], [1, 1], [0, 2]], [0, 0, 1, 1]);
    const warnings: string[] = [];
    const spy = vi.spyOn(console, 'warn').mockImplementation((message: string) => void warnings.push(message));
    deserializeImprinter(serializeImprinter(saved), versioned('2.0.0'), 'v1.imprint').dispose();
    spy.mockRestore();
    expect(warnings).toEqual(['v1.imprint: saved with gen "random" 1.0.0, loaded with 2.0.0: predictions may differ from those made when it was saved']);
    saved.dispose();
    head.dispose();
  });

  it('reads format version 1 (checksum of the weights in the manifest) only when asked: its manifest is unverifiable', async () => {
    const head = await sampleHead();
    const v2 = serializeImprinter(head);
    const jsonLength = new DataView(v2.buffer, v2.byteOffset).getUint32(8, true);
    const manifest = JSON.parse(new TextDecoder().decode(v2.subarray(12, 12 + jsonLength))) as Record<string, unknown>;
    const headerLength = 12 + jsonLength;
    const weights = v2.subarray(headerLength + ((4 - (headerLength % 4)) % 4), v2.length - 4);
    const json = new TextEncoder().encode(JSON.stringify({ ...manifest, formatVersion: 1, crc32: crc32(weights) }));
    const v1Header = 12 + json.length;
    const v1 = new Uint8Array(v1Header + ((4 - (v1Header % 4)) % 4) + weights.length);
    v1.set(new TextEncoder().encode('IMPRINT\0'));
    new DataView(v1.buffer).setUint32(8, json.length, true);
    v1.set(json, 12);
    v1.set(weights, v1.length - weights.length);
    expect(() => deserializeImprinter(v1, testRegistry(), 'old.imprint')).toThrow(
      expect.objectContaining({ code: 'UNVERIFIED_FILE', message: expect.stringMatching(/old\.imprint is a format-1 saved head: its manifest \(class labels, config\) has no checksum.*allowUnverifiedManifest: true/) }),
    );
    // A flipped byte in a class label: exactly what format 1 cannot detect, hence the opt-in.
    const flipped = v1.slice();
    const labelAt = Buffer.from(flipped).indexOf(Buffer.from('"label":'));
    expect(labelAt).toBeGreaterThan(0);
    expect(() => deserializeImprinter(flipped, testRegistry())).toThrow(expect.objectContaining({ code: 'UNVERIFIED_FILE' }));
    const restored = deserializeImprinter(v1, testRegistry(), 'old.imprint', { allowUnverifiedManifest: true });
    expect(restored.classes).toEqual(head.classes);
    expect(restored.weights().weights.dataSync()).toEqual(head.weights().weights.dataSync());
    const damaged = v1.slice();
    damaged[damaged.length - 1] ^= 0x04;
    expect(() => deserializeImprinter(damaged, testRegistry(), 'old.imprint', { allowUnverifiedManifest: true })).toThrow(/weights do not match their checksum/);
    head.dispose();
    restored.dispose();
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
    await expect(saveImprinter(head, join(dir, 'missing-dir', 'x.imprint'))).rejects.toMatchObject({ code: 'IO', message: expect.stringMatching(/cannot write .*missing-dir.*no such file or directory/) });
    await expect(saveImprinter(head, dir)).rejects.toMatchObject({ code: 'IO', message: expect.stringMatching(/it is a directory/) });
    expect(await readdir(dir)).toEqual(['head.imprint']);
    head.dispose();
    empty.dispose();
    await writeFile(join(dir, 'garbage.imprint'), 'hello');
    await expect(loadImprinter(join(dir, 'garbage.imprint'), testRegistry())).rejects.toMatchObject({ code: 'CORRUPT_FILE' });
    await expect(loadImprinter(join(dir, 'nope.imprint'), testRegistry())).rejects.toMatchObject({ code: 'BAD_FILE' });
  });

  it('refuses to add or remove classes of a restored joint head instead of guessing, and leaves it as it was', async () => {
    const head = Imprinter.fromConfig({ gen: 'centered', normPre: 'none', normPost: 'none' }, testRegistry());
    await head.imprint([[1, 0], [0, 1], [2, 2]], [0, 1, 2]);
    const restored = deserializeImprinter(serializeImprinter(head), testRegistry());
    const before = restored.weights().weights.dataSync().slice();
    await expect(restored.addClass(3, [[1, 1]])).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(restored.removeClass(1)).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/imprint the remaining classes again/) });
    expect(restored.classes).toEqual([0, 1, 2]);
    expect(restored.weights().weights.dataSync()).toEqual(before);
    head.dispose();
    restored.dispose();
  });
});
