import { defineChannels } from '../../../internal/src/index.ts';

/**
 * Every `node:diagnostics_channel` channel of `@infra/scheduler`, named `infra:scheduler:<event>`. Messages are
 * built only when a channel has subscribers.
 *
 * - `run-start` `{ job, slot, runId, attempt, manual, latenessMs }`: a handler was called.
 * - `run-end` `{ job, slot, runId, attempt, outcome, durationMs, error? }`: an attempt ended (`outcome` is
 *   `'succeeded'`, `'failed'`, `'timed-out'`, `'cancelled'`, `'aborted'` or `'lease-lost'`).
 * - `retry` `{ job, slot, runId, attempt, delayMs }`: a failed attempt will be retried after `delayMs`.
 * - `skip` `{ job, slot, reason }`: a slot was not run: `'overlap'`, `'paused'`, `'disabled'` or `'taken'`
 *   (another instance has it).
 * - `missed` `{ job, slot, reason }`: a slot passed without a run: `'catch-up'` (dropped by the catch-up policy)
 *   or `'coordinator'` (the claim failed).
 * - `takeover` `{ job, slot, runId, attempt }`: this instance took over a run whose owner's lease lapsed.
 * - `error` `{ job?, operation, error }`: a coordinator call failed.
 */
export const schedulerChannels = defineChannels('scheduler', [
  'run-start',
  'run-end',
  'retry',
  'skip',
  'missed',
  'takeover',
  'error',
]);
