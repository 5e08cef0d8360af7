import { healthMiddleware as expressHealth } from '@infra/health/express';
import { healthPlugin } from '@infra/health/fastify';
import { healthMiddleware as honoHealth } from '@infra/health/hono';
import type { RequestHandler } from 'express';
import type { FastifyPluginAsync } from 'fastify';
import type { MiddlewareHandler } from 'hono';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type CheckResult,
  createHealth,
  type HealthCheck,
  type HealthReport,
  type HealthStatus,
  type ProductionReport,
  postgresCheck,
  redisCheck,
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

  it('takes structural clients', () => {
    expectTypeOf(postgresCheck).parameter(0).toEqualTypeOf<{ query(sql: string): Promise<unknown> }>();
    expectTypeOf(redisCheck).parameter(0).toEqualTypeOf<{ ping(): Promise<unknown> }>();
    expectTypeOf<{
      score: number;
      findings: { key: string; severity: 'error'; message: string }[];
    }>().toExtend<ProductionReport>();
  });

  it('fits each framework without importing it', () => {
    const health = createHealth();
    expectTypeOf(expressHealth(health)).toExtend<RequestHandler>();
    expectTypeOf(healthPlugin(health)).toExtend<FastifyPluginAsync>();
    expectTypeOf(honoHealth(health)).toExtend<MiddlewareHandler>();
    void health.close();
  });
});
