import { execFile } from 'node:child_process';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ImprintError} from '../index.js';
import { firstAvailable, requireBackend } from '../index.js';

describe('runtime set-up', () => {
  it('a head made without any tf.js backend fails with one typed line saying what to import', async () => {
    // A fresh process with no backend imported (the test set-up imports one in this one).
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const dir = await mkdtemp(join(root, 'tools', '.no-backend-'));
    try {
      const script = join(dir, 'no-backend.mts');
      await writeFile(
        script,
        "import { Imprinter, Registry, definePlugin } from '@imprint/core';\n" +
          "const same = (x) => x.clone();\n" +
          "const r = new Registry().use([definePlugin({ kind: 'normalizer', name: 'l2', create: () => ({ kind: 'normalizer', name: 'l2', stages: ['pre', 'post', 'inf'], normalize: same }) }), definePlugin({ kind: 'generator', name: 'mean', create: () => ({ kind: 'generator', name: 'mean', scope: 'class', generate: same }) }), definePlugin({ kind: 'aggregator', name: 'max', create: () => ({ kind: 'aggregator', name: 'max', scores: same }) })]);\n" +
          "try { Imprinter.fromConfig({}, r); console.log('made'); } catch (e) { console.log(`${e.code}: ${e.message}`); }\n",
      );
      const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=@imprint/source', '--import', 'tsx', script], { cwd: root });
      expect(stdout.trim()).toMatch(/^UNSUPPORTED: tf\.js has no backend: import a tf\.js backend before imprinting: `import "@tensorflow\/tfjs-backend-wasm"`/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('with a backend, requireBackend names it', () => {
    expect(['wasm', 'cpu']).toContain(requireBackend());
  });

  it('firstAvailable starts the first candidate that can, and lists every failure when none can', async () => {
    const chosen = await firstAvailable('engine', [
      { name: 'fast', start: () => { throw new Error('not installed'); } },
      { name: 'slow', start: () => undefined },
      { name: 'plain', start: async () => 42 },
    ]);
    expect(chosen).toEqual({ name: 'plain', value: 42, skipped: ['fast: not installed', 'slow: not available'] });
    try {
      await firstAvailable('engine', [{ name: 'fast', start: () => { throw new Error('not installed'); } }], 'install one');
      throw new Error('started');
    } catch (error) {
      expect((error as ImprintError).code).toBe('UNSUPPORTED');
      expect((error as Error).message).toBe('no engine could start: fast: not installed. install one');
    }
  });
});
