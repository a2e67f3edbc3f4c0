/** What `imprint-bench` runs (in the process `bin.ts` decided on): the CLI, and a word when Node exits with work pending. */
import { pendingPluginImports } from '@imprint/eval';
import { main } from './cli.js';

// Node exits (code 13, silently) when the event loop empties while `main` still awaits a promise
// that can never settle — a plugin module whose top-level code waits forever. Say what it was.
let finished = false;
process.on('exit', (code) => {
  // An explicit exit (Ctrl-C's 130) has said what it had to say.
  if (finished || code !== 0) return;
  const pending = pendingPluginImports();
  process.stderr.write(
    pending.length > 0
      ? `imprint-bench: [BAD_FILE]: plugin module ${pending.join(', ')} never finished loading: its top-level code awaits something that never happens (a promise that never settles), so there was nothing left to run\n`
      : 'imprint-bench: [INTERNAL]: stopped with work pending: a promise that never settles left nothing to run; please report this\n',
  );
  process.exitCode = pending.length > 0 ? 1 : 70;
});
process.exitCode = await main(process.argv.slice(2));
finished = true;
