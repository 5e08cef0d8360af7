/**
 * `/api/system/*`, for administrators only (401/403 problem+json otherwise): the aggregated health report with
 * its score (the production-readiness findings are one of its checks), which backends are configured and
 * answering, the scheduler's jobs and history, the masked config with its production findings, the cache's
 * stats per tier, and the Prometheus metrics. `/metrics` serves the same text for a scraper.
 */
import { checkProduction, describeEnv } from '@infra/env';
import { HttpError } from '@infra/http-status';
import type { Auth } from './auth.ts';
import type { Config } from './config.ts';
import type { Guard } from './guard.ts';
import type { AppMailer } from './mail/index.ts';
import type { Metrics } from './metrics.ts';
import { type RouteContext, type Router, send } from './router.ts';
import type { SchedulerView } from './scheduler-view.ts';
import type { Services } from './services.ts';
import { taskNames } from './tasks/index.ts';
import type { Uploads } from './uploads.ts';

export interface SystemDeps {
  config: Config;
  services: Services;
  auth: Auth;
  mail: AppMailer;
  uploads: Uploads;
  scheduler: SchedulerView;
  metrics: Metrics;
  guard: Guard;
}

const rate = (hits: number, misses: number) =>
  hits + misses === 0 ? null : Math.round((hits / (hits + misses)) * 1e4) / 1e4;

export function addSystemRoutes(router: Router, deps: SystemDeps): void {
  const { config, services, guard } = deps;

  /** Runs `handler` for administrators only. */
  const admin =
    (handler: (ctx: RouteContext) => Promise<unknown>) =>
    async (ctx: RouteContext): Promise<void> => {
      if (await guard.admin(ctx.req, ctx.res)) send(ctx.req, ctx.res, { data: await handler(ctx) });
    };

  async function metricsText(ctx: RouteContext): Promise<void> {
    const text = await deps.metrics.text();
    ctx.res.writeHead(200, { 'content-type': deps.metrics.contentType, 'content-length': Buffer.byteLength(text) });
    ctx.res.end(ctx.req.method === 'HEAD' ? undefined : text);
  }

  router
    .add('/metrics', { GET: metricsText })
    .add('/api/system/metrics', {
      GET: async (ctx) => {
        if (await guard.admin(ctx.req, ctx.res)) await metricsText(ctx);
      },
    })
    .add('/api/system/health', {
      GET: admin(async () => {
        const report = await services.health.check('health');
        return {
          status: report.status,
          score: report.score,
          checks: report.checks.map(({ name, key, status, critical, weight, observedValue, observedUnit, output }) => ({
            name,
            key,
            status,
            critical,
            weight,
            observedValue,
            observedUnit,
            output,
          })),
          production: checkProduction(config),
        };
      }),
    })
    .add('/api/system/services', {
      GET: admin(async () => {
        const report = await services.health.check('health');
        const answering = (name: string) => {
          const check = report.checks.find((c) => c.name === name);
          return check === undefined ? undefined : check.status !== 'fail';
        };
        const verified = await Promise.race([
          deps.mail.mailer.verify().then(
            () => true,
            () => false,
          ),
          new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref()),
        ]);
        return {
          redis: { configured: services.redis !== undefined, answering: answering('redis') ?? null },
          postgres: { configured: services.pool !== undefined, answering: answering('postgres') ?? null },
          cache: { backend: services.backends.cache },
          rateLimit: { backend: services.backends.rateLimit },
          auth: deps.auth.backends,
          storage: { backend: deps.uploads.backend, answering: answering('storage') ?? null },
          mail: { transport: deps.mail.transport, answering: verified },
          scheduler: {
            mode: deps.scheduler.mode,
            coordinator: deps.scheduler.coordinator,
            answering: answering('scheduler') ?? null,
          },
        };
      }),
    })
    .add('/api/system/scheduler', {
      GET: admin(async ({ url }) => {
        const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 10) || 10, 1), 100);
        const jobs = await deps.scheduler.jobs();
        const history = Object.fromEntries(
          await Promise.all(
            jobs.map(async (job) => [job.name, await deps.scheduler.history(job.name, limit).catch(() => [])] as const),
          ),
        );
        return { mode: deps.scheduler.mode, coordinator: deps.scheduler.coordinator, tasks: taskNames, jobs, history };
      }),
    })
    .add('/api/system/environment', {
      GET: admin(async () => ({ variables: describeEnv(config), production: checkProduction(config) })),
    })
    .add('/api/system/cache', {
      GET: admin(async () => {
        const stats = services.cache.stats();
        const tiers: Record<string, unknown> = {};
        for (const tier of ['l1', 'l2'] as const) {
          const counts = stats[tier];
          if (counts) tiers[tier] = { ...counts, hitRate: rate(counts.hits, counts.misses) };
        }
        return {
          backend: services.backends.cache,
          tiers,
          staleServed: stats.staleServed,
          factoryCalls: stats.factoryCalls,
          degraded: stats.degraded,
          rateLimiter: services.limiter.stats(),
        };
      }),
    })
    .add('/api/system/:other', {
      GET: async ({ req, res }) => {
        if (await guard.admin(req, res)) throw HttpError.notFound('No such system endpoint');
      },
    });
}
