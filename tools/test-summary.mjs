// Sums the vitest JSON reports of every workspace project (written when CI is set) and prints
// one closing line, "Tests: N passed, N failed", so the whole run has a single verdict.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(group)) {
    const file = join(group, name, 'test-results.json');
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    reports++;
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    console.log(`${join(group, name)}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  }
}
if (reports === 0) {
  console.error('no test reports found: did the test targets run with CI set?');
  process.exit(1);
}
console.log(`Tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
