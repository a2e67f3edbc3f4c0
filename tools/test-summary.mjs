// Sums the vitest JSON reports of every workspace project (written when CI is set) and prints
// one closing line, "Tests: N passed, N failed", so the whole run has a single verdict.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
const projects = ['packages', 'apps', 'examples'].flatMap((group) => (existsSync(group) ? readdirSync(group).map((name) => join(group, name)) : [])).concat(['tools']);
{
  for (const project of projects) {
    const file = join(project, 'test-results.json');
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    reports++;
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    console.log(`${project}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  }
}
if (reports === 0) {
  console.error('no test reports found: did the test targets run with CI set?');
  process.exit(1);
}
console.log(`Tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
