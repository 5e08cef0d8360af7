import { invalidOption } from '../errors.ts';
import type { HealthCheck } from '../types.ts';
import { defineCheck } from './define.ts';

/** One production finding, as `@infra/env`'s `checkProduction(env)` reports it. */
export interface ProductionFinding {
  key: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

/** A production-readiness report: a 0–100 score and the findings behind it. */
export interface ProductionReport {
  score: number;
  findings: readonly ProductionFinding[];
}

/**
 * Production readiness from config findings (`@infra/env`'s `checkProduction(env)`, or anything of that
 * shape): any `error` finding fails, any `warning` warns, `info` is ignored. Reports the score in percent; the
 * output names the offending keys, not their values. Pass a function to re-evaluate on every run.
 *
 * @example health.register('config', productionReadinessCheck(() => checkProduction(env)), { probes: 'startup' })
 */
export function productionReadinessCheck(
  report: ProductionReport | (() => ProductionReport | Promise<ProductionReport>),
): HealthCheck {
  if (typeof report !== 'function') validReport(report, 'report');
  return defineCheck(
    async () => {
      const current = typeof report === 'function' ? validReport(await report(), 'report()') : report;
      const errors = current.findings.filter((f) => f.severity === 'error');
      const warnings = current.findings.filter((f) => f.severity === 'warning');
      const result = { observedValue: current.score, observedUnit: 'percent' };
      if (errors.length > 0) return { ...result, status: 'fail', output: describe('errors', errors, warnings) };
      if (warnings.length > 0) return { ...result, status: 'warn', output: describe('warnings', warnings, []) };
      return result;
    },
    { componentType: 'component', measurement: 'productionReadiness' },
  );
}

function describe(kind: string, main: readonly ProductionFinding[], more: readonly ProductionFinding[]): string {
  const text = `${kind}: ${main.map((f) => f.key).join(', ')}`;
  return more.length === 0 ? text : `${text}; warnings: ${more.map((f) => f.key).join(', ')}`;
}

function validReport(report: unknown, option: string): ProductionReport {
  const r = report as Partial<ProductionReport> | null;
  if (typeof r !== 'object' || r === null || typeof r.score !== 'number' || !Array.isArray(r.findings)) {
    throw invalidOption(option, 'must be { score: number, findings: { key, severity, message }[] }');
  }
  for (const f of r.findings) {
    if (typeof f?.key !== 'string' || !['error', 'warning', 'info'].includes(f.severity)) {
      throw invalidOption(option, `has a finding without a key or with an unknown severity: ${JSON.stringify(f)}`);
    }
  }
  return r as ProductionReport;
}
