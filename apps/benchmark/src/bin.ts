#!/usr/bin/env node
import { hugePagesRelaunchEnv, relaunch, transparentHugePageMode } from './huge-pages.js';

// Before anything heavy loads: where the kernel gives transparent huge pages only to memory that
// asks for them, run again with glibc's malloc asking (see huge-pages.ts; IMPRINT_HUGE_PAGES=0 opts out).
const env = hugePagesRelaunchEnv(process.env, process.platform, transparentHugePageMode());
if (env === undefined) await import('./start.js');
else {
  try {
    process.exitCode = await relaunch(env);
  } catch (error) {
    // the child could not start at all: run here, without huge pages
    process.stderr.write(`imprint-bench: could not start with huge pages (${(error as Error).message}); running without\n`);
    await import('./start.js');
  }
}
