/**
 * Rate-limit checks made in the same tick, sent as one script call (see `tick-batch.ts` for the when and
 * why). The rate-limit script takes any number of keys and checks them in order, so 16 checks cost one
 * command, one write, one script call and one reply.
 *
 * Not for a Redis `Cluster` client: one script call may only touch keys of one slot.
 */
import { type BufferScriptClient, type LuaScript, runBufferScript } from './lua-script.ts';
import { type Pending, tickBatch } from './tick-batch.ts';

/** A check as two scripts: for one key, and for many (`KEYS` in order, `shared` ARGV then each key's own). */
export interface BatchScript<T> {
  readonly one: LuaScript;
  readonly many: LuaScript;
  /** The batch script's first arguments, the same for every check it carries. */
  readonly shared: readonly string[];
  /** Reads check `index` of a reply holding `count` checks; throws if the reply is not the script's. */
  decode(reply: unknown, index: number, count: number): T;
}

/** A client that can run scripts with binary replies; `isCluster` (ioredis) turns batching off. */
export interface BatchClient extends BufferScriptClient {
  readonly isCluster?: boolean;
}

/**
 * Runs one check of `script` for `key`, batched with the other checks of the tick: `oneArgs` are its
 * arguments when it goes alone, `keyArgs` its own arguments in a batch.
 */
export type RunCheck = <T>(
  script: BatchScript<T>,
  key: string,
  oneArgs: readonly string[],
  keyArgs: readonly string[],
) => Promise<T>;

interface Check {
  script: BatchScript<unknown>;
  key: string;
  oneArgs: readonly string[];
  keyArgs: readonly string[];
}

/** A check runner for `client`: batching when `enabled` and the client is not a `Cluster`. */
export function checkRunner(client: BatchClient, enabled: boolean): RunCheck {
  const one = (check: Check) =>
    runBufferScript(client, check.script.one, [check.key], check.oneArgs).then((reply) =>
      check.script.decode(reply, 0, 1),
    );
  if (!enabled || client.isCluster === true) {
    return <T>(script: BatchScript<T>, key: string, oneArgs: readonly string[], keyArgs: readonly string[]) =>
      one({ script, key, oneArgs, keyArgs }) as Promise<T>;
  }

  function sendTogether(script: BatchScript<unknown>, calls: Pending<Check, unknown>[]): void {
    const count = calls.length;
    const keys: string[] = new Array(count);
    const args: string[] = [...script.shared];
    for (let i = 0; i < count; i++) {
      const { item } = calls[i] as Pending<Check, unknown>;
      keys[i] = item.key;
      for (const arg of item.keyArgs) args.push(arg);
    }
    runBufferScript(client, script.many, keys, args).then(
      (reply) => {
        for (let i = 0; i < count; i++) {
          const call = calls[i] as Pending<Check, unknown>;
          try {
            call.resolve(script.decode(reply, i, count));
          } catch (error) {
            call.reject(error);
          }
        }
      },
      (error: unknown) => {
        for (const call of calls) call.reject(error);
      },
    );
  }

  const run = tickBatch<Check, unknown>(one, (calls) => {
    const script = (calls[0] as Pending<Check, unknown>).item.script;
    if (calls.every((call) => call.item.script === script)) {
      sendTogether(script, calls);
      return;
    }
    // Limiters with different rules (or blocks) in one tick: one script call each.
    const byScript = new Map<BatchScript<unknown>, Pending<Check, unknown>[]>();
    for (const call of calls) {
      const group = byScript.get(call.item.script);
      if (group === undefined) byScript.set(call.item.script, [call]);
      else group.push(call);
    }
    for (const [groupScript, group] of byScript) sendTogether(groupScript, group);
  });
  return <T>(script: BatchScript<T>, key: string, oneArgs: readonly string[], keyArgs: readonly string[]) =>
    run({ script, key, oneArgs, keyArgs }) as Promise<T>;
}
