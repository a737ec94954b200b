// Sums vitest JSON reports (one per project run) into the line CI reads: "N passed, N failed".
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '.vitest';
const expected = ['unit.json', 'integration.json', 'system.json'];
let passed = 0;
let failed = 0;
for (const name of expected) {
  const file = join(dir, name);
  if (!existsSync(file)) {
    console.log(`${name.replace('.json', '')} tests did not run (an earlier step failed)`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (report.numTotalTestSuites === 0 || report.numTotalTests === 0) failed += 1;
}
for (const extra of existsSync(dir) ? readdirSync(dir).filter((f) => !expected.includes(f)) : []) {
  console.log(`ignored ${extra}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
