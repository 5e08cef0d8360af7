/**
 * node scripts/test-summary.ts <vitest-json>... — adds up vitest JSON reports and prints the plain
 * closing line CI readers look for: "tests: N passed, N failed, N skipped". Exits 1 when a report
 * is missing, counts a failure, or ran no test at all.
 */
import { existsSync, readFileSync } from 'node:fs';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests?: number;
  numTotalTests: number;
}

let passed = 0;
let failed = 0;
let skipped = 0;
let problems = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.error(`test-summary: ${file} was not written (the test run did not finish)`);
    problems++;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as VitestJson;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
}
if (passed + failed === 0) {
  console.error('test-summary: no test ran');
  problems++;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || problems > 0 ? 1 : 0;
