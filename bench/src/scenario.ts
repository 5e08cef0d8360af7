/**
 * A benchmark scenario: one file in bench/scenarios/, default-exporting defineScenario(...).
 * `run` gets a Bench and calls compare()/compareLatency()/record() for each case; every case
 * measures this project and the named peer in the same process, on the same data.
 */
import {
  compareThroughput,
  interleavedTimes,
  type LatencySummary,
  latency,
  summarize,
  type Task,
  type ThroughputOptions,
} from './measure.ts';

export type Metric = 'ops/s' | 'ms (p50)' | 'ms (p99)' | 'count';

/** Which way is better for a metric: ops/s higher, latency and counts lower. */
export const higherIsBetter: Record<Metric, boolean> = {
  'ops/s': true,
  'ms (p50)': false,
  'ms (p99)': false,
  count: false,
};

export interface CaseResult {
  case: string;
  metric: Metric;
  ours: { label: string; value: number };
  peer: { label: string; value: number };
  /** ours ÷ peer. */
  ratio: number;
  /** How many times better ours is (> 1 better, < 1 worse), whichever way the metric points. */
  advantage: number;
  note?: string;
}

export interface Scenario {
  name: string;
  /** Our side's label, e.g. "@infra/http-status". */
  ours: string;
  /** The peer's label, e.g. "http-errors". */
  peer: string;
  description: string;
  run(bench: Bench): Promise<void>;
}

export function defineScenario(scenario: Scenario): Scenario {
  return scenario;
}

export function caseResult(
  name: string,
  metric: Metric,
  ours: { label: string; value: number },
  peer: { label: string; value: number },
  note?: string,
): CaseResult {
  const ratio = ours.value / peer.value;
  const advantage = higherIsBetter[metric] ? ratio : peer.value / ours.value;
  return { case: name, metric, ours, peer, ratio, advantage, ...(note === undefined ? {} : { note }) };
}

export class Bench {
  readonly results: CaseResult[];
  readonly #oursLabel: string;
  readonly #peerLabel: string;
  readonly #onResult: (result: CaseResult) => void;

  constructor(
    labels: { ours: string; peer: string },
    onResult: (result: CaseResult) => void = () => {},
    results: CaseResult[] = [],
  ) {
    this.#oursLabel = labels.ours;
    this.#peerLabel = labels.peer;
    this.#onResult = onResult;
    this.results = results;
  }

  /** The same bench, recording against another peer (for scenarios that compare with several). */
  against(peer: string): Bench {
    return new Bench({ ours: this.#oursLabel, peer }, this.#onResult, this.results);
  }

  /** Throughput of ours vs peer (ops/s). */
  async compare(name: string, tasks: { ours: Task; peer: Task }, options: ThroughputOptions = {}): Promise<CaseResult> {
    const { ours, peer } = await compareThroughput(tasks.ours, tasks.peer, options);
    const note = options.concurrency && options.concurrency > 1 ? `concurrency ${options.concurrency}` : undefined;
    return this.record(name, 'ops/s', ours, peer, note);
  }

  /**
   * Throughput one call at a time (ops/s = 1 / mean call time), ours and the peer alternating call by call
   * (see `interleavedTimes`).
   */
  async compareSequential(name: string, tasks: { ours: Task; peer: Task }, samples = 20_000): Promise<CaseResult> {
    const times = await interleavedTimes(tasks.ours, tasks.peer, samples);
    const opsPerSecond = (ms: number[]) => (ms.length * 1000) / ms.reduce((sum, t) => sum + t, 0);
    return this.record(name, 'ops/s', opsPerSecond(times.ours), opsPerSecond(times.peer), 'interleaved calls');
  }

  /** p50 and p99 of sequential calls, ours and the peer alternating call by call. */
  async compareInterleavedLatency(name: string, tasks: { ours: Task; peer: Task }, samples = 4000): Promise<void> {
    const times = await interleavedTimes(tasks.ours, tasks.peer, samples);
    const ours = summarize(times.ours);
    const peer = summarize(times.peer);
    this.record(name, 'ms (p50)', ours.p50, peer.p50, 'interleaved samples');
    this.record(name, 'ms (p99)', ours.p99, peer.p99, 'interleaved samples');
  }

  /** Sequential latency of ours vs peer; records p50 and p99. */
  async compareLatency(
    name: string,
    tasks: { ours: Task; peer: Task },
    samples = 2000,
  ): Promise<{ ours: LatencySummary; peer: LatencySummary }> {
    await latency(tasks.ours, Math.min(200, samples));
    await latency(tasks.peer, Math.min(200, samples));
    const ours = await latency(tasks.ours, samples);
    const peer = await latency(tasks.peer, samples);
    this.record(name, 'ms (p50)', ours.p50, peer.p50);
    this.record(name, 'ms (p99)', ours.p99, peer.p99);
    return { ours, peer };
  }

  /** A figure measured by the scenario itself (e.g. factory calls, a waiter's p99). */
  record(name: string, metric: Metric, ours: number, peer: number, note?: string): CaseResult {
    const result = caseResult(
      name,
      metric,
      { label: this.#oursLabel, value: ours },
      { label: this.#peerLabel, value: peer },
      note,
    );
    this.results.push(result);
    this.#onResult(result);
    return result;
  }
}
