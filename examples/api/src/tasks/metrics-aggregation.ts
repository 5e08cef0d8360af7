/**
 * Metrics aggregation: once per window (an hour), rolls the scheduler's run history (every instance's, from the
 * coordinator) into one row per window: runs, failures, skipped slots and duration percentiles per job, plus the
 * outbox by status and this instance's cache hit rate. The row is keyed by the window's end, so a re-run after
 * a takeover rewrites it rather than adding a second (and `runs` shows it happened).
 */
import type { Cache } from '@infra/cache';
import type { RunRecord, Scheduler } from '@infra/scheduler';
import { hitRate } from './cache-cleanup.ts';
import type { Outbox } from './outbox.ts';
import type { JobMetrics, MetricsRow, TaskState } from './state.ts';

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;
}

export function jobMetrics(runs: readonly RunRecord[]): JobMetrics {
  const ran = runs.filter((r) => r.outcome !== 'skipped');
  const durations = ran.map((r) => r.durationMs).sort((a, b) => a - b);
  return {
    runs: ran.length,
    failed: ran.filter((r) => r.outcome === 'failed' || r.outcome === 'aborted').length,
    skipped: runs.length - ran.length,
    p50Ms: percentile(durations, 50),
    p95Ms: percentile(durations, 95),
    maxMs: durations.at(-1) ?? null,
  };
}

export interface MetricsSources {
  scheduler: Pick<Scheduler, 'list' | 'history'>;
  state: TaskState;
  outbox: Outbox;
  cache?: Pick<Cache, 'stats'> | undefined;
}

export async function aggregateMetrics(
  sources: MetricsSources,
  run: { slot: Date; instance: string; windowMs: number },
): Promise<MetricsRow> {
  const end = run.slot.getTime();
  const start = end - run.windowMs;
  const jobs: Record<string, JobMetrics> = {};
  for (const job of await sources.scheduler.list()) {
    // History is newest first; 1000 runs cover an hour of a per-5-second job.
    const history = await sources.scheduler.history(job.name, { limit: 1000 });
    jobs[job.name] = jobMetrics(history.filter((r) => r.startedAt >= start && r.startedAt < end));
  }
  const stats = sources.cache?.stats();
  const row: MetricsRow = {
    slot: run.slot,
    windowStart: new Date(start),
    instance: run.instance,
    jobs,
    outbox: await sources.outbox.counts(),
    cache: stats ? { hits: stats.l1?.hits ?? 0, misses: stats.l1?.misses ?? 0, hitRate: hitRate(stats) } : null,
  };
  await sources.state.putMetrics(row);
  return row;
}
