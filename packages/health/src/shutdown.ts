import { channel } from 'node:diagnostics_channel';
import { type Duration, durationOr, positiveDuration } from './duration.ts';
import { HealthError, invalidOption } from './errors.ts';
import { logTo } from './logger.ts';
import type { Logger } from './types.ts';

/** A server that can stop accepting: node:http/https/http2 servers fit, and `fastify.server`. */
export interface ClosableServer {
  close(callback?: (error?: Error) => void): unknown;
  closeIdleConnections?(): void;
  closeAllConnections?(): void;
  on?(
    event: 'request',
    listener: (req: unknown, res: { setHeader(name: string, value: string): unknown }) => void,
  ): unknown;
}

/** The part of a health instance shutdown drives. */
export interface ShutdownHealth {
  markShuttingDown(): void;
  close?(): Promise<void>;
}

/** A cleanup step: close a pool, quit Redis, stop a scheduler. Gets a signal aborted at its timeout. */
export type ShutdownHook = (signal: AbortSignal) => unknown;

/** Options of {@link createShutdown}. */
export interface ShutdownOptions {
  /** Servers to stop accepting and drain. @default [] */
  servers?: readonly ClosableServer[];
  /** Signals that start the shutdown; a second one forces exit 1. @default ['SIGTERM', 'SIGINT'] */
  signals?: readonly NodeJS.Signals[];
  /** Failing readiness this long before closing servers, so load balancers stop sending. @default 5000 */
  readinessDelayMs?: Duration;
  /** How long in-flight requests get before their connections are cut. @default 10000 */
  drainTimeoutMs?: Duration;
  /** Default timeout of each hook. @default 5000 */
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
}

/** Options of {@link Shutdown.add}. */
export interface HookOptions {
  /** @default the shutdown's `hookTimeoutMs` */
  timeoutMs?: Duration;
}

/** What one shutdown did. */
export interface ShutdownResult {
  /** 0, or 1 when a hook failed or timed out. */
  exitCode: 0 | 1;
  /** What started it: a signal name or the reason given to `run`. */
  reason: string;
  /** Whether every in-flight request finished within `drainTimeoutMs`. */
  drained: boolean;
  hooks: { name: string; ok: boolean; durationMs: number; error?: unknown }[];
}

/** Graceful shutdown: fail readiness, wait, drain servers, run hooks in reverse order, exit. */
export interface Shutdown {
  /** Adds a cleanup hook; hooks run in reverse order of adding (last opened, first closed). */
  add(name: string, hook: ShutdownHook, options?: HookOptions): void;
  /** Starts the shutdown without a signal; calling it again returns the same run. */
  run(reason?: string): Promise<ShutdownResult>;
  /** Whether a shutdown has started. */
  readonly started: boolean;
  /** Removes the signal listeners (without shutting down). */
  close(): void;
  /** Same as `close()`, for `using`. */
  [Symbol.dispose](): void;
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

interface Hook {
  name: string;
  hook: ShutdownHook;
  timeoutMs: number;
}

const shutdownChannel = channel('infra:health:shutdown');

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
  const readinessDelayMs = durationOr(options.readinessDelayMs, 'readinessDelayMs', 5_000);
  const drainTimeoutMs = durationOr(options.drainTimeoutMs, 'drainTimeoutMs', 10_000);
  const hookTimeoutMs = positiveDuration(options.hookTimeoutMs, 'hookTimeoutMs', 5_000);
  const health = options.health;
  if (health !== undefined && typeof health.markShuttingDown !== 'function') {
    throw invalidOption('health', 'must be a health instance (markShuttingDown missing)');
  }
  const exitOption = options.exit ?? true;
  if (typeof exitOption !== 'boolean' && typeof exitOption !== 'function') {
    throw invalidOption('exit', 'must be a boolean or a function (code) => void');
  }
  const log = logTo(options.logger);

  const hooks: Hook[] = [];
  let running: Promise<ShutdownResult> | undefined;

  function exit(code: number): void {
    if (typeof exitOption === 'function') exitOption(code);
    else if (exitOption) process.exit(code);
    else process.exitCode = code;
  }

  function publish(phase: string, fields: object = {}): void {
    if (shutdownChannel.hasSubscribers) shutdownChannel.publish({ phase, ...fields });
  }

  const onSignal = (signal: NodeJS.Signals) => {
    if (running !== undefined) {
      log('warn', { signal }, 'second signal: forcing exit');
      publish('forced', { signal });
      exit(1);
      return;
    }
    run(signal).then(
      (result) => exit(result.exitCode),
      () => exit(1),
    );
  };
  for (const signal of signals) process.on(signal, onSignal);

  function removeListeners(): void {
    for (const signal of signals) process.off(signal, onSignal);
  }

  async function sequence(reason: string): Promise<ShutdownResult> {
    log('info', { reason, readinessDelayMs, drainTimeoutMs }, 'shutting down');
    publish('start', { reason });
    health?.markShuttingDown();
    await delay(readinessDelayMs);
    publish('drain', { reason });
    const drained = await drainAll(servers, drainTimeoutMs);
    if (!drained) log('warn', { drainTimeoutMs }, 'in-flight requests cut after drainTimeoutMs');
    const results: ShutdownResult['hooks'] = [];
    for (const entry of [...hooks].reverse()) {
      const result = await runHook(entry);
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
    publish('end', { reason, exitCode, drained });
    log('info', { exitCode }, 'shutdown complete');
    // The signal listeners stay until exit: a late second signal must still force, not fall back to the default.
    return { exitCode, reason, drained, hooks: results };
  }

  function run(reason = 'manual'): Promise<ShutdownResult> {
    running ??= sequence(reason);
    return running;
  }

  return {
    add(name, hook, hookOptions = {}) {
      if (typeof name !== 'string' || name === '') throw invalidOption('name', 'must be a non-empty string');
      if (typeof hook !== 'function') throw invalidOption('hook', `must be a function (hook "${name}")`);
      hooks.push({ name, hook, timeoutMs: positiveDuration(hookOptions.timeoutMs, 'timeoutMs', hookTimeoutMs) });
    },
    run,
    get started() {
      return running !== undefined;
    },
    close: removeListeners,
    [Symbol.dispose]: removeListeners,
    async [Symbol.asyncDispose]() {
      removeListeners();
    },
  };
}

async function runHook(entry: Hook): Promise<ShutdownResult['hooks'][number]> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(() => entry.hook(controller.signal)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new HealthError(
            'ERR_HEALTH_HOOK_TIMEOUT',
            `shutdown hook "${entry.name}" timed out after ${entry.timeoutMs} ms`,
          );
          controller.abort(error);
          reject(error);
        }, entry.timeoutMs);
      }),
    ]);
    return { name: entry.name, ok: true, durationMs: performance.now() - started };
  } catch (error) {
    return { name: entry.name, ok: false, durationMs: performance.now() - started, error };
  } finally {
    clearTimeout(timer);
  }
}

/** Stops every server accepting and waits for their connections; cuts what is left after `timeoutMs`. */
async function drainAll(servers: readonly ClosableServer[], timeoutMs: number): Promise<boolean> {
  const results = await Promise.all(servers.map((server) => drain(server, timeoutMs)));
  return results.every(Boolean);
}

function drain(server: ClosableServer, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    // Requests still arriving on kept-alive sockets are served, but told to close the connection after.
    server.on?.('request', (_req, res) => res.setHeader('connection', 'close'));
    let sweeper: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      clearInterval(sweeper);
      server.closeAllConnections?.();
      resolve(false);
    }, timeoutMs);
    server.close(() => {
      clearTimeout(deadline);
      clearInterval(sweeper);
      resolve(true);
    });
    // A keep-alive socket becomes idle when its in-flight response ends; close it then, not at the deadline.
    server.closeIdleConnections?.();
    if (server.closeIdleConnections !== undefined) {
      sweeper = setInterval(() => server.closeIdleConnections?.(), 50);
    }
  });
}

function delay(ms: number): Promise<void> {
  return ms === 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
