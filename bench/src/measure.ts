/**
 * Measurement primitives. Ours and the peer are measured in alternating rounds (ours, peer,
 * peer, ours, ...) after a shared warm-up, and each side's figure is the median of its rounds:
 * a GC pause or a noisy neighbour then hurts one round, not one side.
 */
import { performance } from 'node:perf_hooks';

export type Task = () => unknown;

export interface ThroughputOptions {
  /** Time per round per side. @default 300 (ms), scaled by BENCH_SCALE */
  roundMs?: number;
  /** Rounds per side. @default 5 */
  rounds?: number;
  /** Parallel callers for async tasks (1 = strictly sequential). @default 1 */
  concurrency?: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

const scale = Number(process.env.BENCH_SCALE ?? 1) || 1;

export function scaled(ms: number): number {
  return Math.max(10, Math.round(ms * scale));
}

/** Operations per second of `task` over one round of `ms`, with `concurrency` callers. */
export async function opsPerSecond(task: Task, ms: number, concurrency = 1): Promise<number> {
  const first = task();
  if (!isPromiseLike(first)) return syncOpsPerSecond(task, ms);
  await first;
  let done = 0;
  const deadline = performance.now() + ms;
  const started = performance.now();
  async function caller(): Promise<void> {
    while (performance.now() < deadline) {
      await task();
      done++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, caller));
  return (done / (performance.now() - started)) * 1000;
}

function syncOpsPerSecond(task: Task, ms: number): number {
  let done = 0;
  let batch = 16;
  const started = performance.now();
  const deadline = started + ms;
  let now = started;
  // Check the clock once per batch so reading it does not dominate very cheap tasks.
  while (now < deadline) {
    for (let i = 0; i < batch; i++) task();
    done += batch;
    now = performance.now();
    if (batch < 65_536) batch *= 2;
  }
  return (done / (now - started)) * 1000;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Ours vs peer throughput, alternating rounds; returns each side's median ops/s. */
export async function compareThroughput(
  ours: Task,
  peer: Task,
  options: ThroughputOptions = {},
): Promise<{ ours: number; peer: number }> {
  const roundMs = scaled(options.roundMs ?? 300);
  const rounds = options.rounds ?? 5;
  const concurrency = options.concurrency ?? 1;
  await opsPerSecond(ours, roundMs / 2, concurrency);
  await opsPerSecond(peer, roundMs / 2, concurrency);
  const oursRounds: number[] = [];
  const peerRounds: number[] = [];
  // Counterbalanced (ours, peer, peer, ours, ...): in a plain alternation the side that always runs second
  // gains or loses whatever the machine drifts by within each pair.
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      oursRounds.push(await opsPerSecond(ours, roundMs, concurrency));
      peerRounds.push(await opsPerSecond(peer, roundMs, concurrency));
    } else {
      peerRounds.push(await opsPerSecond(peer, roundMs, concurrency));
      oursRounds.push(await opsPerSecond(ours, roundMs, concurrency));
    }
  }
  return { ours: median(oursRounds), peer: median(peerRounds) };
}

/**
 * Times of sequential calls (ms), ours and the peer alternating call by call (ours, peer, peer, ours, ...)
 * after `warmup` unrecorded pairs, so that load from other processes and the machine's drift land on both
 * sides alike. For one-call-at-a-time cases, where the two sides differ by less than the machine's noise
 * between rounds.
 */
export async function interleavedTimes(
  ours: Task,
  peer: Task,
  samples: number,
  warmup = 500,
): Promise<{ ours: number[]; peer: number[] }> {
  const times = { ours: [] as number[], peer: [] as number[] };
  const tasks = { ours, peer };
  for (let i = 0; i < warmup + samples; i++) {
    const order: ('ours' | 'peer')[] = i % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours'];
    for (const side of order) {
      const started = performance.now();
      await tasks[side]();
      if (i >= warmup) times[side].push(performance.now() - started);
    }
  }
  return times;
}

/** Latency percentiles (ms) of `samples` sequential calls of `task`. */
export async function latency(task: Task, samples: number): Promise<LatencySummary> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await task();
    times.push(performance.now() - started);
  }
  return summarize(times);
}

export function summarize(times: readonly number[]): LatencySummary {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}
