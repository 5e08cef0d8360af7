/**
 * Prometheus metrics (prom-client) fed by the packages themselves: request counts and latency by route and
 * status from the HTTP layer; events from their `node:diagnostics_channel` channels (auth audit events,
 * rate-limit decisions, scheduler runs, mail sent/failed, storage writes); and their `stats()` snapshots read
 * at scrape time (cache hits/misses per tier, login throttle, storage bytes). Nothing in the packages knows
 * about Prometheus.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authChannels } from '@infra/auth';
import { cacheChannels } from '@infra/cache';
import { mailChannels } from '@infra/mail';
import { schedulerChannels } from '@infra/scheduler';
import { storageChannels } from '@infra/storage';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Auth } from './auth.ts';
import type { Services } from './services.ts';
import type { Uploads } from './uploads.ts';

export interface Metrics {
  registry: Registry;
  /** Counts a finished request under its route pattern. */
  observe(req: IncomingMessage, res: ServerResponse, route: string, seconds: number): void;
  /** The Prometheus text exposition. */
  text(): Promise<string>;
  contentType: string;
  close(): void;
}

export function createMetrics(deps: { services: Services; auth: Auth; uploads: Uploads }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const { cache, limiter } = deps.services;

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const rateLimit = new Counter({
    name: 'rate_limit_decisions_total',
    help: 'Rate-limit decisions (@infra/cache), allowed or refused',
    labelNames: ['decision'],
    registers: [registry],
  });
  const authEvents = new Counter({
    name: 'auth_events_total',
    help: 'Audit events of @infra/auth (issued, refreshed, reuse-detected, revoked, session-*)',
    labelNames: ['event'],
    registers: [registry],
  });
  const schedulerRuns = new Counter({
    name: 'scheduler_runs_total',
    help: 'Scheduled task runs that ended in this process, by job and outcome',
    labelNames: ['job', 'outcome'],
    registers: [registry],
  });
  const mail = new Counter({
    name: 'mail_messages_total',
    help: 'Mail sent, failed or rejected (@infra/mail)',
    labelNames: ['event'],
    registers: [registry],
  });
  const uploads = new Counter({
    name: 'storage_events_total',
    help: 'Storage writes and refused writes (@infra/storage)',
    labelNames: ['event'],
    registers: [registry],
  });

  // Snapshots read at scrape time: a counter reset to the package's own count is still a monotonic series.
  new Counter({
    name: 'cache_requests_total',
    help: 'Cache lookups per tier and result (@infra/cache stats)',
    labelNames: ['tier', 'result'],
    registers: [registry],
    collect() {
      const stats = cache.stats();
      this.reset();
      for (const tier of ['l1', 'l2'] as const) {
        const counts = stats[tier];
        if (counts === undefined) continue; // no L2 without Redis
        this.inc({ tier, result: 'hit' }, counts.hits);
        this.inc({ tier, result: 'miss' }, counts.misses);
      }
    },
  });
  new Counter({
    name: 'login_attempts_total',
    help: 'Login attempts by outcome (@infra/auth throttle stats)',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      const stats = deps.auth.throttle.stats();
      this.reset();
      this.inc({ outcome: 'success' }, stats.successes);
      this.inc({ outcome: 'failure' }, stats.failures);
      this.inc({ outcome: 'refused' }, stats.refused);
      this.inc({ outcome: 'lockout' }, stats.lockouts);
    },
  });
  new Counter({
    name: 'storage_bytes_written_total',
    help: 'Bytes written to storage (@infra/storage stats)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(deps.uploads.storage.stats().bytesWritten);
    },
  });
  new Gauge({
    name: 'rate_limiter_keys',
    help: 'Rate limiter snapshot values (@infra/cache stats), by field',
    labelNames: ['field'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [field, value] of Object.entries(limiter.stats())) {
        if (typeof value === 'number') this.set({ field }, value);
      }
    },
  });

  const subscriptions: [string | symbol, (message: unknown) => void][] = [
    [
      cacheChannels['rate-limit'].name,
      (m) =>
        rateLimit.inc({ decision: (m as { result: { allowed: boolean } }).result.allowed ? 'allowed' : 'refused' }),
    ],
    ...Object.entries(authChannels).map(([event, channel]): [string | symbol, (message: unknown) => void] => [
      channel.name,
      () => authEvents.inc({ event }),
    ]),
    [
      schedulerChannels['run-end'].name,
      (m) => {
        const run = m as { job: string; outcome: string };
        schedulerRuns.inc({ job: run.job, outcome: run.outcome });
      },
    ],
    [mailChannels.sent.name, () => mail.inc({ event: 'sent' })],
    [mailChannels.failed.name, () => mail.inc({ event: 'failed' })],
    [mailChannels.rejected.name, () => mail.inc({ event: 'rejected' })],
    [storageChannels.put.name, () => uploads.inc({ event: 'put' })],
    [storageChannels.rejected.name, () => uploads.inc({ event: 'rejected' })],
  ];
  for (const [name, listener] of subscriptions) subscribe(name, listener);

  return {
    registry,
    contentType: registry.contentType,
    observe(req, res, route, seconds) {
      const labels = { method: req.method ?? 'GET', route, status: String(res.statusCode) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    text: () => registry.metrics(),
    close() {
      for (const [name, listener] of subscriptions) unsubscribe(name, listener);
      registry.clear();
    },
  };
}
