// A readiness check for `@infra/health`, structural (it returns the shape `health.register` takes, without
// importing the package): a small object is written, read back, compared and deleted, so the check fails when the
// store cannot do what uploads need, not only when it is unreachable.
import { randomUUID } from 'node:crypto';
import type { Storage } from './storage.ts';

/** Options of {@link storageCheck}. */
export interface StorageCheckOptions {
  storage: Pick<Storage, 'put' | 'get' | 'delete'>;
  /** Prefix of the probe objects. @default 'health-probe' */
  prefix?: string;
}

/** What `storageCheck` returns: a check function with the `@infra/health` defaults attached. */
export interface StorageHealthCheck {
  (
    signal: AbortSignal,
  ): Promise<{ status?: 'pass' | 'fail'; observedValue: number; observedUnit: string; output?: string }>;
  readonly componentType: 'datastore';
  readonly measurement: 'responseTime';
}

/**
 * A write-read-delete round trip as a health check.
 *
 * @example health.register('storage', storageCheck({ storage }))
 */
export function storageCheck(options: StorageCheckOptions): StorageHealthCheck {
  const { storage } = options;
  const prefix = options.prefix ?? 'health-probe';
  const check = async (signal: AbortSignal) => {
    const started = performance.now();
    const key = `${prefix}/${randomUUID()}.txt`;
    const content = `probe ${key}`;
    try {
      await storage.put(key, content, { signal });
      const read = await (await storage.get(key)).text();
      const observedValue = Math.round((performance.now() - started) * 100) / 100;
      if (read !== content)
        return {
          status: 'fail' as const,
          observedValue,
          observedUnit: 'ms',
          output: 'read back other bytes than written',
        };
      return { observedValue, observedUnit: 'ms' };
    } finally {
      await storage.delete(key).catch(() => {});
    }
  };
  return Object.assign(check, { componentType: 'datastore' as const, measurement: 'responseTime' as const });
}
