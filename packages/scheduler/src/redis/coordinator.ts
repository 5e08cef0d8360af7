/**
 * `redisCoordinator({ client })`: a claim is a hash per (job, slot) created once (the `SET NX` of a slot) with a
 * lease, inside one Lua script that also applies the overlap policy; leases are judged by Redis' clock. All
 * keys of one job share a hash tag, so on a Redis Cluster each job lives on one master and jobs spread over
 * all of them.
 */
import type { Duration } from '../../../../internal/src/index.ts';
import type { ClaimResult, Coordinator, JobStatus, PendingSlot, RunRecord } from '../coordinator.ts';
import { check, invalidOption } from '../errors.ts';
import { type RedisScriptClient, runScript } from './lua-script.ts';
import {
  claimScript,
  completeScript,
  controlScript,
  nextScript,
  orphansScript,
  registerScript,
  releaseScript,
  renewScript,
  statusScript,
} from './scripts.ts';

/** Options of {@link redisCoordinator}. */
export interface RedisCoordinatorOptions {
  /** An ioredis `Redis` or `Cluster`; never modified. */
  client: RedisScriptClient;
  /** Prefix of every key. @default 'scheduler:' */
  prefix?: string;
  /** How long ended runs are kept (a slot is known to have run for this long). @default '1d' */
  retention?: Duration;
  /** Ended runs kept per job for `history()`. @default 100 */
  historySize?: number;
}

/** A coordinator on Redis (one node or a Cluster): exactly once per (job, slot) across every instance. */
export function redisCoordinator(options: RedisCoordinatorOptions): Coordinator {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const client = options.client;
  if (typeof client?.evalsha !== 'function' || typeof client.eval !== 'function' || typeof client.call !== 'function') {
    throw invalidOption('client', 'must be an ioredis client (Redis or Cluster)');
  }
  const prefix = check.string(options.prefix, 'prefix', 'scheduler:');
  if (/[{}]/.test(prefix)) throw invalidOption('prefix', 'must not contain { or }: the job name is the hash tag');
  const retention = check.duration(options.retention, 'retention', { default: 86_400_000, positive: true });
  const historySize = check.number(options.historySize, 'historySize', { default: 100, min: 1, integer: true });

  const keys = (job: string) => {
    const base = `${prefix}{${job}}`;
    return {
      job: `${base}:job`,
      run: (slotId: string) => `${base}:run:${slotId}`,
      live: `${base}:live`,
      buf: `${base}:buf`,
      slots: `${base}:slots`,
      runs: `${base}:runs`,
      hist: `${base}:hist`,
      last: `${base}:last`,
      cancel: `${base}:cancel`,
    };
  };
  const run = (script: Parameters<typeof runScript>[1], k: readonly string[], a: readonly (string | number)[]) =>
    runScript(client, script, k, a);
  const pending = (
    job: string,
    slotId: string,
    meta: string,
    buffered: boolean,
  ): PendingSlot & { buffered: boolean } => {
    const [slot, manual] = meta.split(':');
    return { job, slotId, slot: Number(slot), manual: manual === '1', buffered };
  };

  return {
    kind: 'redis',
    retention,
    async register(job, definition) {
      const k = keys(job);
      const [known, last, paused, enabled] = (await run(registerScript, [k.job], [JSON.stringify(definition)])) as (
        | string
        | null
      )[];
      return {
        knownSince: Number(known),
        lastSlot: last === null || last === undefined ? undefined : Number(last),
        paused: paused === '1',
        enabled: enabled !== '0',
      };
    },
    async unregister(job) {
      const k = keys(job);
      // The job's hash goes first: from then on every claim answers 'unknown'.
      await client.call('DEL', k.job);
      for (;;) {
        const ids = (await client.call('ZRANGE', k.runs, 0, 499)) as string[];
        if (ids.length === 0) break;
        await client.call('DEL', ...ids.map(k.run));
        await client.call('ZREM', k.runs, ...ids);
      }
      await client.call('DEL', k.live, k.buf, k.slots, k.runs, k.hist, k.last, k.cancel);
    },
    async control(job, flags) {
      const flag = (value: boolean | undefined) => (value === undefined ? '' : value ? '1' : '0');
      return Number(await run(controlScript, [keys(job).job], [flag(flags.paused), flag(flags.enabled)])) === 1;
    },
    async claim(request): Promise<ClaimResult> {
      const k = keys(request.job);
      const reply = (await run(
        claimScript,
        [k.job, k.run(request.slotId), k.live, k.buf, k.slots, k.runs, k.hist, k.cancel],
        [
          request.slotId,
          request.slot,
          request.manual ? '1' : '0',
          request.runId,
          request.owner,
          Math.ceil(request.lease),
          request.overlap,
          historySize,
          retention,
          request.job,
        ],
      )) as (string | number)[];
      const [status, attempt, started, ...cancelled] = reply;
      if (status === 'claimed') {
        return { status, attempt: Number(attempt), startedAt: Number(started), cancelled: cancelled.map(String) };
      }
      return { status } as ClaimResult;
    },
    async renew(ref) {
      const k = keys(ref.job);
      return (await run(
        renewScript,
        [k.run(ref.slotId), k.live, k.cancel],
        [ref.runId, ref.owner, Math.ceil(ref.lease), ref.attempt, ref.slotId],
      )) as 'ok' | 'lost' | 'cancelled';
    },
    async complete(ref) {
      const k = keys(ref.job);
      const reply = await run(
        completeScript,
        [k.run(ref.slotId), k.live, k.cancel, k.runs, k.hist, k.last, k.slots],
        [ref.runId, ref.owner, ref.outcome, ref.attempt, ref.error ?? '', historySize, retention, ref.job, ref.slotId],
      );
      return Number(reply) === 1;
    },
    async release(ref) {
      const k = keys(ref.job);
      await run(releaseScript, [k.run(ref.slotId), k.live], [ref.runId, ref.owner, ref.slotId]);
    },
    async next(request) {
      const k = keys(request.job);
      // The oldest buffered slot is read first so the script can name its key; the script checks it still is.
      for (let tries = 0; tries < 3; tries++) {
        const [oldest] = (await client.call('ZRANGE', k.buf, 0, 0)) as string[];
        if (oldest === undefined) return undefined;
        const reply = await run(
          nextScript,
          [k.job, k.live, k.buf, k.run(oldest), k.slots],
          [oldest, request.runId, request.owner, Math.ceil(request.lease)],
        );
        if (reply === 'busy') return undefined;
        if (reply === 'moved') continue;
        const [slot, manual, attempt, started] = reply as string[];
        return {
          job: request.job,
          slotId: oldest,
          slot: Number(slot),
          manual: manual === '1',
          attempt: Number(attempt),
          startedAt: Number(started),
        };
      }
      return undefined;
    },
    async orphans(jobs) {
      const found = await Promise.all(
        jobs.map(async (job) => {
          const k = keys(job);
          const flat = (await run(orphansScript, [k.live, k.buf, k.slots], [])) as string[];
          const out: (PendingSlot & { buffered: boolean })[] = [];
          for (let i = 0; i + 2 < flat.length; i += 3) {
            out.push(pending(job, flat[i] as string, flat[i + 1] as string, flat[i + 2] === '1'));
          }
          return out;
        }),
      );
      return found.flat();
    },
    async status(jobs) {
      const all = await Promise.all(
        jobs.map(async (job): Promise<JobStatus[]> => {
          const k = keys(job);
          const reply = (await run(statusScript, [k.job, k.live, k.last], [])) as (string | number)[];
          if (reply.length === 0) return [];
          const [known, last, paused, enabled, running, record] = reply;
          return [
            {
              job,
              knownSince: Number(known),
              lastSlot: last === '' ? undefined : Number(last),
              paused: paused === '1',
              enabled: enabled !== '0',
              running: Number(running),
              lastRun: record === '' ? undefined : (JSON.parse(String(record)) as RunRecord),
            },
          ];
        }),
      );
      return all.flat();
    },
    async history(job, limit) {
      const items = (await client.call('LRANGE', keys(job).hist, 0, limit - 1)) as string[];
      return items.map((item) => JSON.parse(item) as RunRecord);
    },
  };
}
