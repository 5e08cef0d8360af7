/**
 * Cache cleanup: clears the namespaces of derived data (by default the product cache) on every instance.
 * Entries expire by TTL and invalidations travel on the bus, but an invalidation lost while an instance was
 * cut off from Redis, or a value computed from a source that changed without an invalidation, would otherwise
 * live as long as reads keep refreshing it; this bounds how long such a value can survive to the task's period.
 * A clear bumps the namespace's version in Redis (one write, no scan) and the bus drops every instance's L1.
 *
 * While L2 is down the clear would reach only this process's memory, so the task skips and says so; the next
 * slot clears.
 */
import type { Cache, CacheStats } from '@infra/cache';

export interface CacheCleanupResult {
  cleared: string[];
  skipped: 'l2-degraded' | undefined;
  /** This process's L1 hit rate before the clear, 0-1, or null before any read. */
  l1HitRate: number | null;
}

export function hitRate(stats: CacheStats): number | null {
  const hits = stats.l1?.hits ?? 0;
  const total = hits + (stats.l1?.misses ?? 0);
  return total === 0 ? null : hits / total;
}

export async function cleanupCache(cache: Cache, namespaces: readonly string[]): Promise<CacheCleanupResult> {
  const stats = cache.stats();
  const l1HitRate = hitRate(stats);
  if (stats.degraded) return { cleared: [], skipped: 'l2-degraded', l1HitRate };
  for (const name of namespaces) await cache.namespace(name).clear();
  return { cleared: [...namespaces], skipped: undefined, l1HitRate };
}
