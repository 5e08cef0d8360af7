import type { CircuitState } from './circuit-breaker.ts';
import type { CacheCore } from './core.ts';

/** A snapshot of what the cache has done since it was created (shared by a cache and its namespaces). */
export interface CacheStats {
  l1: { kind: string; hits: number; misses: number; items: number; bytes: number } | undefined;
  l2:
    | {
        kind: string;
        hits: number;
        misses: number;
        errors: number;
        timeouts: number;
        /** Calls skipped because the circuit was open. */
        skipped: number;
        circuit: CircuitState;
        /** Invalidations waiting to be replayed when L2 returns. */
        pendingInvalidations: number;
        /** Entries written to L1 whose write to L2 failed (each also reported as a `write-failed` event). */
        writeFailures: number;
      }
    | undefined;
  bus: { kind: string; published: number; received: number; errors: number; resyncs: number } | undefined;
  /** Stale values served (grace, soft timeout, hard timeout, failing factory, backoff). */
  staleServed: number;
  factoryCalls: number;
  factoryErrors: number;
  /** Callers that joined a factory call already in flight in this process. */
  singleFlightWaits: number;
  /** Times a process waited for another process's lease (distributed single-flight). */
  leaseWaits: number;
  /** True while L2 is considered down. */
  degraded: boolean;
}

/** Builds the {@link CacheStats} snapshot of a cache core. */
export function statsOf(core: CacheCore): CacheStats {
  const c = core.counters;
  const l1 = core.l1;
  const l2 = core.l2;
  const bus = core.bus;
  return {
    l1: l1 === undefined ? undefined : { kind: l1.kind, hits: c.l1Hits, misses: c.l1Misses, ...l1.usage() },
    l2:
      l2 === undefined
        ? undefined
        : {
            kind: l2.store.kind,
            hits: c.l2Hits,
            misses: c.l2Misses,
            ...l2.counts,
            circuit: l2.state,
            pendingInvalidations: l2.pending,
            writeFailures: c.l2WriteFailures,
          },
    bus: bus === undefined ? undefined : { kind: bus.kind, ...bus.counts },
    staleServed: c.staleServed,
    factoryCalls: c.factoryCalls,
    factoryErrors: c.factoryErrors,
    singleFlightWaits: c.singleFlightWaits,
    leaseWaits: c.leaseWaits,
    degraded: l2?.degraded ?? false,
  };
}
