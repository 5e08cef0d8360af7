/**
 * pnpm bench [scenario...] — runs every scenario in bench/scenarios (or those named), prints
 * ours vs peer and the ratio for each case, and writes bench/results/<scenario>.json.
 * Scenarios import the built packages: run `pnpm build` first (`pnpm bench` at the root does).
 * BENCH_SCALE=0.2 shortens every round (a smoke run); results are then only indicative.
 */
import { join } from 'node:path';
import { buildReport, formatCase, writeReport } from './report.ts';
import { Bench } from './scenario.ts';
import { listScenarios, loadScenario, selectScenarios } from './scenarios.ts';

const benchDir = join(import.meta.dirname, '..');
const scenarioDir = join(benchDir, 'scenarios');
const resultDir = join(benchDir, 'results');

let names: string[];
try {
  names = selectScenarios(listScenarios(scenarioDir), process.argv.slice(2));
} catch (error) {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(2);
}
if (names.length === 0) console.log('no scenarios in bench/scenarios');
for (const name of names) {
  const scenario = await loadScenario(scenarioDir, name);
  console.log(`\n${scenario.name}: ${scenario.description} (${scenario.ours} vs ${scenario.peer})`);
  const bench = new Bench({ ours: scenario.ours, peer: scenario.peer }, (result) => console.log(formatCase(result)));
  await scenario.run(bench);
  const file = writeReport(buildReport(scenario, bench.results), resultDir);
  console.log(`  → ${file}`);
}
