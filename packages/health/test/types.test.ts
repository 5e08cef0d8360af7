import { healthMiddleware as expressHealth } from '@infra/health/express';
import { healthPlugin } from '@infra/health/fastify';
import { healthMiddleware as honoHealth } from '@infra/health/hono';
import type { RequestHandler } from 'express';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { MiddlewareHandler } from 'hono';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type CheckResult,
  createHealth,
  type HealthCheck,
  type HealthReport,
  type HealthStatus,
  type ProductionReport,
  type postgresCheck,
  type redisCheck,
} from '../src/index.ts';

describe('public types', () => {
  it('accepts checks returning nothing, a result, or a promise of either', () => {
    expectTypeOf<() => void>().toExtend<HealthCheck>();
    expectTypeOf<(signal: AbortSignal) => Promise<void>>().toExtend<HealthCheck>();
    expectTypeOf<() => CheckResult>().toExtend<HealthCheck>();
    expectTypeOf<() => Promise<CheckResult>>().toExtend<HealthCheck>();
    expectTypeOf<() => { status: 'ok' }>().not.toExtend<HealthCheck>();
  });

  it('reports statuses as the draft spells them', () => {
    expectTypeOf<HealthReport['status']>().toEqualTypeOf<HealthStatus>();
    expectTypeOf<HealthStatus>().toEqualTypeOf<'pass' | 'warn' | 'fail'>();
  });

  it('takes structural clients in an object', () => {
    expectTypeOf<{ pool: { query(sql: string): Promise<unknown> } }>().toExtend<Parameters<typeof postgresCheck>[0]>();
    expectTypeOf<{ client: { ping(): Promise<unknown> } }>().toExtend<Parameters<typeof redisCheck>[0]>();
    expectTypeOf<{ client: { query(sql: string): Promise<unknown> } }>().not.toExtend<
      Parameters<typeof redisCheck>[0]
    >();
    expectTypeOf<{
      score: number;
      findings: { key: string; severity: 'error'; message: string }[];
    }>().toExtend<ProductionReport>();
  });

  it('fits each framework without importing it', () => {
    const health = createHealth();
    expectTypeOf(expressHealth(health)).toExtend<RequestHandler>();
    expectTypeOf(healthPlugin(health)).toExtend<FastifyPluginAsync>();
    // The plugin form type-checks with Fastify's own register() (never called: types only).
    const register = (app: FastifyInstance) => app.register(healthPlugin, { health });
    expectTypeOf(register).returns.not.toBeNever();
    // @ts-expect-error the options must carry a health instance
    const unregistered = (app: FastifyInstance) => app.register(healthPlugin, {});
    expectTypeOf(unregistered).toBeFunction();
    expectTypeOf(honoHealth(health)).toExtend<MiddlewareHandler>();
    void health.close();
  });
});
