import { defineChannels } from '../../../internal/src/index.ts';
import type { HealthStatus } from './types.ts';

/**
 * The `node:diagnostics_channel` channels of `@infra/health`: `check` (`infra:health:check`, one message per fresh
 * run of a check, a {@link CheckEvent}) and `shutdown` (`infra:health:shutdown`, one per phase, a
 * {@link ShutdownEvent}). Messages are built only when someone subscribes.
 *
 * @example subscribe(healthChannels.check.name, (event) => metrics.observe(event.name, event.durationMs))
 */
export const healthChannels = defineChannels('health', ['check', 'shutdown']);

/** The message of `healthChannels.check`. */
export interface CheckEvent {
  name: string;
  /** The health+json key (`name:measurement`). */
  key: string;
  status: HealthStatus;
  durationMs: number;
  /** What the check threw, or the timeout error. */
  error: unknown;
}

/** The message of `healthChannels.shutdown`. */
export interface ShutdownEvent {
  /** `start` (readiness fails), `drain` (servers stop accepting), `end`, or `forced` (a second signal). */
  phase: 'start' | 'drain' | 'end' | 'forced';
  reason?: string;
  signal?: string;
  exitCode?: number;
  drained?: boolean;
}
