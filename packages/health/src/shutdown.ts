import type { Clock, Closable, Duration, Logger } from '../../../internal/src/index.ts';
import { clockOption, closeOnce, loggerOption, publish, withDeadline } from '../../../internal/src/index.ts';
import { healthChannels, type ShutdownEvent } from './channels.ts';
import { type ClosableServer, type DrainableServer, watchServer } from './drain.ts';
import { checks, HealthError, invalidOption } from './errors.ts';
import { roundMs, stopwatch } from './measure.ts';
import { durationOption } from './options.ts';

export type { ClosableServer } from './drain.ts';

/** The part of a health instance shutdown drives. */
export interface ShutdownHealth {
  markShuttingDown(): void;
  close?(): Promise<void>;
}

/** A cleanup step: close a pool, quit Redis, stop a scheduler. Gets a signal aborted at its timeout. */
export type ShutdownHook = (signal: AbortSignal) => unknown;

/** Options of {@link createShutdown}. */
export interface ShutdownOptions {
  /** Servers to stop accepting and drain; watched from now on, so a drain knows what is in flight. @default [] */
  servers?: readonly ClosableServer[];
  /** Signals that start the shutdown; a second one forces exit 1. @default ['SIGTERM', 'SIGINT'] */
  signals?: readonly NodeJS.Signals[];
  /** How long readiness fails before the servers close, so load balancers stop sending. @default '5s' */
  readinessDelay?: Duration;
  /** @deprecated Renamed to `readinessDelay`; this alias goes in the next minor version. */
  readinessDelayMs?: Duration;
  /** How long in-flight requests get before their connections are cut. @default '10s' */
  drainTimeout?: Duration;
  /** @deprecated Renamed to `drainTimeout`; this alias goes in the next minor version. */
  drainTimeoutMs?: Duration;
  /** Default timeout of each hook. @default '5s' */
  hookTimeout?: Duration;
  /** @deprecated Renamed to `hookTimeout`; this alias goes in the next minor version. */
  hookTimeoutMs?: Duration;
  /** Whose readiness to fail first; closed after the hooks. @default undefined */
  health?: ShutdownHealth;
  /**
   * What ends the process: `true` calls `process.exit(code)`, `false` only sets `process.exitCode`, a function
   * is called with the code (tests). @default true
   */
  exit?: boolean | ((code: number) => void);
  /** Pino-shaped logger for each phase. @default undefined */
  logger?: Logger;
  /** Source of time and timers: the readiness delay, the drain deadline and hook timeouts run on it (tests). @default the system clock */
  clock?: Clock;
}

/** Options of {@link Shutdown.add}. */
export interface HookOptions {
  /** @default the shutdown's `hookTimeout` */
  timeout?: Duration;
  /** @deprecated Renamed to `timeout`; this alias goes in the next minor version. */
  timeoutMs?: Duration;
}

/** What one shutdown did. */
export interface ShutdownResult {
  /** 0, or 1 when a hook failed or timed out. */
  exitCode: 0 | 1;
  /** What started it: a signal name or the reason given to `run`. */
  reason: string;
  /** Whether every in-flight request finished within `drainTimeout`. */
  drained: boolean;
  hooks: { name: string; ok: boolean; durationMs: number; error?: unknown }[];
}

/** Graceful shutdown: fail readiness, wait, drain servers, run hooks in reverse order, exit. */
export interface Shutdown extends Closable {
  /** Adds a cleanup hook; hooks run in reverse order of adding (last opened, first closed). */
  add(name: string, hook: ShutdownHook, options?: HookOptions): void;
  /** Starts the shutdown without a signal; calling it again returns the same run. */
  run(reason?: string): Promise<ShutdownResult>;
  /** Whether a shutdown has started. */
  readonly started: boolean;
  /** Stops listening for signals and watching the servers, without shutting down; idempotent. */
  close(): Promise<void>;
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
  /** @deprecated `close()` is async now; use `await using` (`Symbol.asyncDispose`). Goes in the next minor version. */
  [Symbol.dispose](): void;
}

interface Hook {
  name: string;
  hook: ShutdownHook;
  timeout: number;
}

/**
 * Creates a graceful shutdown and listens for `signals`. Every instance holds its own state; nothing is
 * shared at module level, so two in one process (tests) do not see each other.
 *
 * @example
 * const shutdown = createShutdown({ servers: [server], health });
 * shutdown.add('postgres', () => pool.end());
 */
export function createShutdown(options: ShutdownOptions = {}): Shutdown {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const servers = options.servers ?? [];
  if (!Array.isArray(servers)) throw invalidOption('servers', 'must be an array of servers');
  servers.forEach((server, i) => {
    if (typeof server?.close !== 'function') throw invalidOption(`servers[${i}]`, 'must have a close() method');
  });
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  if (!Array.isArray(signals) || signals.some((s) => typeof s !== 'string' || !s.startsWith('SIG'))) {
    throw invalidOption('signals', `must be signal names like 'SIGTERM', got ${JSON.stringify(signals)}`);
  }
  const readinessDelay = durationOption(options, 'readinessDelay', 'readinessDelayMs', { default: 5_000 });
  const drainTimeout = durationOption(options, 'drainTimeout', 'drainTimeoutMs', { default: 10_000 });
  const hookTimeout = durationOption(options, 'hookTimeout', 'hookTimeoutMs', { default: 5_000, positive: true });
  const health = options.health;
  if (health !== undefined && typeof health?.markShuttingDown !== 'function') {
    throw invalidOption('health', 'must be a health instance (markShuttingDown missing)');
  }
  const exitOption = options.exit ?? true;
  if (typeof exitOption !== 'boolean' && typeof exitOption !== 'function') {
    throw invalidOption('exit', 'must be a boolean or a function (code) => void');
  }
  const log = loggerOption(options.logger, invalidOption);
  const clock = clockOption(options.clock, invalidOption);

  const watched: DrainableServer[] = servers.map((server) => watchServer(server, clock));
  const hooks: Hook[] = [];
  let running: Promise<ShutdownResult> | undefined;

  function exit(code: number): void {
    if (typeof exitOption === 'function') exitOption(code);
    else if (exitOption) process.exit(code);
    else process.exitCode = code;
  }

  const event = (fields: ShutdownEvent) => publish(healthChannels.shutdown, () => fields);

  const onSignal = (signal: NodeJS.Signals) => {
    if (running !== undefined) {
      log('warn', { signal }, 'second signal: forcing exit');
      event({ phase: 'forced', signal });
      exit(1);
      return;
    }
    run(signal).then(
      (result) => exit(result.exitCode),
      () => exit(1),
    );
  };
  for (const signal of signals) process.on(signal, onSignal);

  async function sequence(reason: string): Promise<ShutdownResult> {
    log('info', { reason, readinessDelayMs: readinessDelay, drainTimeoutMs: drainTimeout }, 'shutting down');
    event({ phase: 'start', reason });
    health?.markShuttingDown();
    if (readinessDelay > 0) {
      await new Promise<void>((resolve) => {
        clock.setTimeout(resolve, readinessDelay);
      });
    }
    event({ phase: 'drain', reason });
    const drained = (await Promise.all(watched.map((server) => server.drain(drainTimeout)))).every(Boolean);
    if (!drained) log('warn', { drainTimeoutMs: drainTimeout }, 'in-flight requests cut after drainTimeout');
    const results: ShutdownResult['hooks'] = [];
    for (const entry of [...hooks].reverse()) {
      const result = await runHook(entry, clock);
      results.push(result);
      if (result.ok) log('info', { hook: entry.name, durationMs: result.durationMs }, 'shutdown hook done');
      else log('error', { hook: entry.name, err: result.error }, 'shutdown hook failed');
    }
    let healthClosed = true;
    try {
      await health?.close?.();
    } catch (error) {
      healthClosed = false;
      log('error', { err: error }, 'closing health failed');
    }
    const exitCode = healthClosed && results.every((r) => r.ok) ? 0 : 1;
    event({ phase: 'end', reason, exitCode, drained });
    log('info', { exitCode }, 'shutdown complete');
    // The signal listeners stay until exit: a late second signal must still force, not fall back to the default.
    return { exitCode, reason, drained, hooks: results };
  }

  function run(reason = 'manual'): Promise<ShutdownResult> {
    running ??= sequence(reason);
    return running;
  }

  function stopListening(): void {
    for (const signal of signals) process.off(signal, onSignal);
    for (const server of watched) server.release();
  }
  const close = closeOnce(stopListening);

  return {
    add(name, hook, hookOptions = {}) {
      if (typeof name !== 'string' || name === '') throw invalidOption('name', 'must be a non-empty string');
      if (typeof hook !== 'function') throw invalidOption('hook', `must be a function (hook "${name}")`);
      if (typeof hookOptions !== 'object' || hookOptions === null) throw checks.invalid('options', 'must be an object');
      const timeout = durationOption(hookOptions, 'timeout', 'timeoutMs', { default: hookTimeout, positive: true });
      hooks.push({ name, hook, timeout });
    },
    run,
    get started() {
      return running !== undefined;
    },
    close,
    [Symbol.asyncDispose]: close,
    [Symbol.dispose]() {
      // Synchronous, as `using` expects: the listeners go now; close() then has nothing left to do.
      stopListening();
      void close();
    },
  };
}

/** Runs one hook with its timeout on the clock; never throws. */
async function runHook(entry: Hook, clock: Clock): Promise<ShutdownResult['hooks'][number]> {
  const elapsed = stopwatch(clock);
  const controller = new AbortController();
  // withDeadline's timer does not hold the process open; a hook awaiting nothing that keeps it open would let the
  // process end with exit code 0 before its timeout could fail it. This timer holds it open until then.
  const hold = clock.setTimeout(() => {}, entry.timeout);
  try {
    await withDeadline(
      Promise.resolve().then(() => entry.hook(controller.signal)),
      entry.timeout,
      clock,
      () => {
        const error = new HealthError(
          'ERR_HEALTH_HOOK_TIMEOUT',
          `shutdown hook "${entry.name}" timed out after ${entry.timeout} ms`,
        );
        controller.abort(error);
        return error;
      },
    );
    return { name: entry.name, ok: true, durationMs: roundMs(elapsed()) };
  } catch (error) {
    return { name: entry.name, ok: false, durationMs: roundMs(elapsed()), error };
  } finally {
    clock.clearTimeout(hold);
  }
}
