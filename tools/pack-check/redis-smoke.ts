/**
 * `@infra/cache/redis` on each ioredis major its peer range admits (5 and 6), against the real Redis
 * (REDIS_URL, default 127.0.0.1:6379): installs one, runs `probes/redis-smoke.mjs`, then the next.
 */
import { install } from './consumer.ts';
import type { NodeBinary } from './node-toolchain.ts';
import { run, tail } from './run.ts';

/** The ioredis versions the smoke test runs on. */
export const ioredisVersions = ['ioredis@5', 'ioredis@6'];

interface SmokeReport {
  ioredis: string;
  steps: { name: string; ok: boolean; error?: string }[];
}

/** Installs each ioredis in turn and runs the smoke test on every Node; returns the failures. */
export function checkRedisSmoke(consumer: string, nodes: readonly NodeBinary[]): { failures: string[]; ran: string[] } {
  const failures: string[] = [];
  const ran: string[] = [];
  for (const spec of ioredisVersions) {
    install(consumer, [spec]);
    for (const node of nodes) {
      const result = run(node.path, ['redis-smoke.mjs'], { cwd: consumer });
      let report: SmokeReport;
      try {
        report = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as SmokeReport;
      } catch {
        failures.push(`${spec} on Node ${node.version}: the smoke test died:\n${tail(result)}`);
        continue;
      }
      ran.push(`ioredis ${report.ioredis} on Node ${node.version}`);
      for (const step of report.steps.filter((s) => !s.ok)) {
        failures.push(`ioredis ${report.ioredis} on Node ${node.version}: ${step.name}: ${step.error}`);
      }
    }
  }
  return { failures, ran };
}
