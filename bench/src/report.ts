import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { CaseResult, Scenario } from './scenario.ts';

export interface ScenarioReport {
  scenario: string;
  ours: string;
  peer: string;
  description: string;
  date: string;
  node: string;
  cpu: string;
  cases: CaseResult[];
}

export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value >= 1000) return Math.round(value).toLocaleString('en-US');
  if (value >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** One line per case: both figures, the ratio, and which side is ahead. */
export function formatCase(result: CaseResult): string {
  const ahead =
    result.advantage >= 1 ? `${result.advantage.toFixed(2)}× better` : `${(1 / result.advantage).toFixed(2)}× worse`;
  const note = result.note ? ` [${result.note}]` : '';
  return (
    `  ${result.case}${note} — ${result.metric}: ` +
    `${result.ours.label} ${formatValue(result.ours.value)} vs ${result.peer.label} ${formatValue(result.peer.value)} ` +
    `→ ratio ${result.ratio.toFixed(2)} (ours ${ahead})`
  );
}

export function buildReport(scenario: Scenario, cases: CaseResult[], date = new Date()): ScenarioReport {
  return {
    scenario: scenario.name,
    ours: scenario.ours,
    peer: scenario.peer,
    description: scenario.description,
    date: date.toISOString(),
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    cases,
  };
}

/** Writes bench/results/<scenario>.json and returns its path. */
export function writeReport(report: ScenarioReport, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.scenario}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
