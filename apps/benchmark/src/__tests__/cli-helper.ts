import { vi } from 'vitest';
import { main } from '../cli.js';

/** Run the CLI in-process on the WASM backend, capturing stdout and stderr. */
export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(['--backend', 'wasm', ...argv]), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
