import type { CheckReport, HealthStatus } from './types.ts';

/**
 * The status of a set of checks: a critical failure fails the whole; a non-critical failure or any warn
 * only warns (the service still answers, degraded); otherwise it passes. No checks is a pass.
 */
export function aggregateStatus(checks: readonly CheckReport[]): HealthStatus {
  let status: HealthStatus = 'pass';
  for (const check of checks) {
    if (check.status === 'fail' && check.critical) return 'fail';
    if (check.status !== 'pass') status = 'warn';
  }
  return status;
}

const credit: Record<HealthStatus, number> = { pass: 1, warn: 0.5, fail: 0 };

/** Weighted score 0–100 (pass 1, warn 0.5, fail 0), rounded; 100 when there is nothing to weigh. */
export function weightedScore(checks: readonly CheckReport[]): number {
  let total = 0;
  let earned = 0;
  for (const check of checks) {
    total += check.weight;
    earned += check.weight * credit[check.status];
  }
  return total === 0 ? 100 : Math.round((earned / total) * 100);
}
