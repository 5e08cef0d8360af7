/**
 * Health snapshot: runs every check, keeps the result (status, score, failing checks) in the task state shared
 * by every instance, and says when the status changed since the previous snapshot, whoever took it: that is
 * the line an operator alerts on.
 */
import type { Health } from '@infra/health';
import type { HealthSnapshot, TaskState } from './state.ts';

export interface HealthSnapshotResult {
  snapshot: HealthSnapshot;
  /** The status before, when there was a snapshot and it differed. */
  changedFrom: HealthSnapshot['status'] | undefined;
}

export async function takeHealthSnapshot(
  health: Pick<Health, 'check'>,
  state: TaskState,
  run: { slot: Date; instance: string },
): Promise<HealthSnapshotResult> {
  const [report, previous] = await Promise.all([health.check('health'), state.lastHealthSnapshot()]);
  const snapshot: HealthSnapshot = {
    slot: run.slot,
    instance: run.instance,
    status: report.status,
    score: Math.round(report.score),
    failing: report.checks.filter((c) => c.status !== 'pass').map((c) => c.name),
  };
  await state.addHealthSnapshot(snapshot);
  const changedFrom = previous && previous.status !== snapshot.status ? previous.status : undefined;
  return { snapshot, changedFrom };
}
