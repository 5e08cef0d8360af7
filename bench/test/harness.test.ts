import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { median, opsPerSecond, summarize } from '../src/measure.ts';
import { buildReport, formatCase, writeReport } from '../src/report.ts';
import { Bench, caseResult, defineScenario } from '../src/scenario.ts';
import { listScenarios, selectScenarios } from '../src/scenarios.ts';

const tmp = mkdtempSync(join(tmpdir(), 'bench-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('ratios', () => {
  it('ops/s: ours ÷ peer, and higher is better', () => {
    const r = caseResult('x', 'ops/s', { label: 'a', value: 300 }, { label: 'b', value: 200 });
    expect(r.ratio).toBe(1.5);
    expect(r.advantage).toBe(1.5);
    expect(formatCase(r)).toContain('ratio 1.50 (ours 1.50× better)');
  });

  it('latency: lower is better, so a smaller figure is an advantage', () => {
    const r = caseResult('x', 'ms (p99)', { label: 'a', value: 2 }, { label: 'b', value: 4 });
    expect(r.ratio).toBe(0.5);
    expect(r.advantage).toBe(2);
    const worse = caseResult('x', 'ms (p50)', { label: 'a', value: 4 }, { label: 'b', value: 2 });
    expect(formatCase(worse)).toContain('ours 2.00× worse');
  });
});

describe('measure', () => {
  it('counts sync and async operations', async () => {
    let calls = 0;
    expect(await opsPerSecond(() => calls++, 20)).toBeGreaterThan(0);
    expect(calls).toBeGreaterThan(0);
    let asyncCalls = 0;
    const ops = await opsPerSecond(async () => void asyncCalls++, 20, 4);
    expect(ops).toBeGreaterThan(0);
    expect(asyncCalls).toBeGreaterThan(4);
  });

  it('median and percentiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const s = summarize(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(s).toMatchObject({ count: 100, p50: 51, p99: 100, max: 100 });
  });
});

describe('Bench and reports', () => {
  it('records both sides with the scenario labels and writes JSON', async () => {
    const scenario = defineScenario({
      name: 'demo',
      ours: '@infra/demo',
      peer: 'peer-lib',
      description: 'demo',
      async run(bench) {
        bench.record('factory calls', 'count', 1, 1000);
      },
    });
    const seen: string[] = [];
    const bench = new Bench({ ours: scenario.ours, peer: scenario.peer }, (r) => seen.push(r.case));
    await scenario.run(bench);
    expect(seen).toEqual(['factory calls']);
    const file = writeReport(buildReport(scenario, bench.results), tmp);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json.scenario).toBe('demo');
    expect(json.cases[0]).toMatchObject({
      ours: { label: '@infra/demo', value: 1 },
      peer: { label: 'peer-lib', value: 1000 },
    });
    expect(json.cases[0].advantage).toBe(1000);
  });
});

describe('Bench.against', () => {
  it('records against another peer into the same results', () => {
    const bench = new Bench({ ours: '@infra/x', peer: 'a / b' });
    bench.against('b').record('case', 'count', 1, 2);
    bench.record('case', 'count', 1, 3);
    expect(bench.results.map((r) => r.peer.label)).toEqual(['b', 'a / b']);
  });
});

describe('scenario selection', () => {
  it('runs all by default, the named ones on request, and rejects unknown names', () => {
    expect(selectScenarios(['a', 'b'], [])).toEqual(['a', 'b']);
    expect(selectScenarios(['a', 'b'], ['b'])).toEqual(['b']);
    expect(() => selectScenarios(['a', 'b'], ['c'])).toThrow('unknown scenario(s): c. Available: a, b');
  });

  it('lists the scenario files', () => {
    expect(listScenarios(join(tmp, 'missing'))).toEqual([]);
    expect(Array.isArray(listScenarios(join(import.meta.dirname, '../scenarios')))).toBe(true);
  });
});
