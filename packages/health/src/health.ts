import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, Closable, Duration, Logger } from '../../../internal/src/index.ts';
import { clockOption, closeOnce, loggerOption, publish } from '../../../internal/src/index.ts';
import { aggregateStatus, weightedScore } from './aggregate.ts';
import { type CheckEvent, healthChannels } from './channels.ts';
import { HealthError, invalidOption, checks as optionCheck } from './errors.ts';
import { failureText } from './failure-text.ts';
import { type ServiceInfo, toHealthResponse } from './health-json.ts';
import { fetchHandler, type HealthPaths, nodeListener, pathMatcher, resolvePaths, type ShowDetails } from './http.ts';
import { roundMs } from './measure.ts';
import { durationOption } from './options.ts';
import { type CheckOutcome, runCheck } from './run-check.ts';
import type {
  CheckReport,
  HealthCheck,
  HealthReport,
  HealthRequestInfo,
  HealthResponse,
  HealthStatus,
  HealthTarget,
  Probe,
} from './types.ts';

/** Options of {@link createHealth}. */
export interface HealthOptions {
  /** How long a check may run before it fails and its signal is aborted; keep it below the probe's own timeout. @default '2s' */
  timeout?: Duration;
  /** @deprecated Renamed to `timeout`; this alias goes in the next minor version. */
  timeoutMs?: Duration;
  /** How long a check's result is reused; concurrent requests always share one run. `0` caches nothing. @default '1s' */
  cacheTtl?: Duration;
  /** @deprecated Renamed to `cacheTtl`; this alias goes in the next minor version. */
  cacheTtlMs?: Duration;
  /** Source of time and timers: caching, report timestamps and check timeouts run on it (tests inject one). @default the system clock */
  clock?: Clock;
  /** The service's identity, echoed at the top level of every health+json body. @default {} */
  service?: ServiceInfo;
  /** Whether bodies carry `checks` and `output`: always, never, or per request (e.g. a token header). @default 'never' */
  showDetails?: ShowDetails;
  /** Show the text of errors thrown by checks; off, since they may carry hosts or SQL. @default false */
  exposeErrors?: boolean;
  /** Put the weighted `score` (0–100) in health+json bodies. @default false */
  score?: boolean;
  /** Endpoint paths. @default { liveness: '/health/live', readiness: '/health/ready', startup: '/health/startup', health: '/health' } */
  paths?: Partial<HealthPaths>;
  /** Pino-shaped logger; told when a check changes status. @default undefined */
  logger?: Logger;
}

/** Options of {@link Health.register}. */
export interface RegisterOptions {
  /** The probes this check belongs to. @default ['readiness'] */
  probes?: Probe | readonly Probe[];
  /** Whether a failure fails the probe (503); a non-critical failure only warns (200). @default true */
  critical?: boolean;
  /** This check's timeout. @default the health's `timeout` */
  timeout?: Duration;
  /** @deprecated Renamed to `timeout`; this alias goes in the next minor version. */
  timeoutMs?: Duration;
  /** This check's cache lifetime. @default the health's `cacheTtl` */
  cacheTtl?: Duration;
  /** @deprecated Renamed to `cacheTtl`; this alias goes in the next minor version. */
  cacheTtlMs?: Duration;
  /** health+json `componentType`: `'datastore'`, `'system'`, `'component'` or a URI. @default the check's own, if any */
  componentType?: string;
  /** Measurement name, the part after the colon in the health+json key. @default the check's own, if any */
  measurement?: string;
  /** Weight in the score. @default 1 */
  weight?: number;
}

/** A snapshot of what the health instance has done. */
export interface HealthStats {
  /** Fresh check runs (cache misses). */
  runs: number;
  /** Check results served from the cache or from a run already in flight. */
  cacheHits: number;
  shuttingDown: boolean;
  checks: Record<
    string,
    { runs: number; failures: number; timeouts: number; lastStatus?: HealthStatus; lastDurationMs?: number }
  >;
}

/** Liveness, readiness and startup checks, and the HTTP endpoints that serve them. */
export interface Health extends Closable {
  /** Adds a check; returns a function that removes it again. */
  register(name: string, check: HealthCheck, options?: RegisterOptions): () => void;
  /** Runs (or reuses) the checks of a probe, or of every check for `'health'`. */
  check(target?: HealthTarget): Promise<HealthReport>;
  /** The framework-neutral HTTP answer for a target; every adapter writes this. */
  respond(target: HealthTarget, request?: HealthRequestInfo): Promise<HealthResponse>;
  /** Which endpoint a path (query string allowed) names, or `undefined`. */
  match(url: string): HealthTarget | undefined;
  /** The endpoint paths in use. */
  readonly paths: Readonly<HealthPaths>;
  /** Fetch-style handler: answers the health paths, 404 for others, 405 for methods other than GET/HEAD. */
  handle(request: Request): Promise<Response>;
  /** `node:http` listener; calls `next()` for other paths when given one, else answers 404. */
  readonly listener: (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;
  /** Fails readiness from now on (liveness unaffected); graceful shutdown calls it first. */
  markShuttingDown(): void;
  /** Whether {@link Health.markShuttingDown} was called. */
  readonly shuttingDown: boolean;
  /** A snapshot of runs, cache hits and each check's last status. */
  stats(): HealthStats;
  /** Aborts running checks and releases what checks hold (histograms, timers); idempotent. */
  close(): Promise<void>;
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

interface Registered {
  name: string;
  key: string;
  check: HealthCheck;
  probes: ReadonlySet<Probe>;
  critical: boolean;
  timeout: number;
  cacheTtl: number;
  componentType: string | undefined;
  weight: number;
  running: Promise<CheckReport> | undefined;
  last: CheckReport | undefined;
  stats: HealthStats['checks'][string];
}

const probeNames: ReadonlySet<unknown> = new Set(['liveness', 'readiness', 'startup']);
const targetNames: ReadonlySet<unknown> = new Set([...probeNames, 'health']);

/**
 * Creates a health instance: register checks, then serve them (`handle`, `listener`, or an adapter).
 *
 * @example
 * const health = createHealth({ service: { version: '1' } });
 * health.register('db', postgresCheck({ pool }));
 * createServer(health.listener).listen(8080);
 */
export function createHealth(options: HealthOptions = {}): Health {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const timeout = durationOption(options, 'timeout', 'timeoutMs', { default: 2_000, positive: true });
  const cacheTtl = durationOption(options, 'cacheTtl', 'cacheTtlMs', { default: 1_000 });
  const clock = clockOption(options.clock, invalidOption);
  const service = validService(options.service ?? {});
  const exposeErrors = optionCheck.boolean(options.exposeErrors, 'exposeErrors', false);
  const withScore = optionCheck.boolean(options.score, 'score', false);
  const showDetails = validShowDetails(options.showDetails ?? 'never');
  const paths = resolvePaths(options.paths ?? {});
  const match = pathMatcher(paths);
  const log = loggerOption(options.logger, invalidOption);

  const checks = new Map<string, Registered>();
  const closing = new AbortController();
  let shuttingDown = false;
  let runs = 0;
  let cacheHits = 0;

  async function run(entry: Registered): Promise<CheckReport> {
    runs++;
    entry.stats.runs++;
    const outcome = await runCheck(entry.name, entry.check, entry.timeout, closing.signal, clock);
    const report = toCheckReport(entry, outcome);
    entry.stats.lastDurationMs = report.durationMs;
    if (report.status === 'fail') entry.stats.failures++;
    if (outcome.error instanceof HealthError && outcome.error.code === 'ERR_HEALTH_CHECK_TIMEOUT') {
      entry.stats.timeouts++;
    }
    if (entry.stats.lastStatus !== report.status) logTransition(entry, report, outcome);
    entry.stats.lastStatus = report.status;
    publish(
      healthChannels.check,
      (): CheckEvent => ({
        name: entry.name,
        key: entry.key,
        status: report.status,
        durationMs: report.durationMs,
        error: outcome.error,
      }),
    );
    return report;
  }

  function toCheckReport(entry: Registered, outcome: CheckOutcome): CheckReport {
    const report: CheckReport = {
      name: entry.name,
      key: entry.key,
      status: outcome.status,
      critical: entry.critical,
      weight: entry.weight,
      time: clock.now(),
      durationMs: roundMs(outcome.durationMs),
      cached: false,
    };
    if (entry.componentType !== undefined) report.componentType = entry.componentType;
    if (outcome.observedValue !== undefined) report.observedValue = outcome.observedValue;
    if (outcome.observedUnit !== undefined) report.observedUnit = outcome.observedUnit;
    const output =
      outcome.output ?? (outcome.error === undefined ? undefined : failureText(outcome.error, exposeErrors));
    if (output !== undefined) report.output = output;
    return report;
  }

  function logTransition(entry: Registered, report: CheckReport, outcome: CheckOutcome): void {
    const fields = { check: entry.name, status: report.status, previous: entry.stats.lastStatus ?? null };
    if (report.status === 'pass') log('info', fields, 'health check passes');
    else if (report.status === 'warn') log('warn', { ...fields, output: outcome.output }, 'health check warns');
    else log('error', { ...fields, output: report.output, err: outcome.error }, 'health check fails');
  }

  /** Single flight plus a TTL: a run in progress is shared, a fresh enough result is reused. */
  function resultOf(entry: Registered): Promise<CheckReport> {
    if (entry.running !== undefined) {
      cacheHits++;
      return entry.running;
    }
    const last = entry.last;
    if (last !== undefined && clock.now() - last.time < entry.cacheTtl) {
      cacheHits++;
      return Promise.resolve({ ...last, cached: true });
    }
    const running = run(entry)
      .then((report) => {
        entry.last = report;
        return report;
      })
      .finally(() => {
        entry.running = undefined;
      });
    entry.running = running;
    return running;
  }

  /** The checks of each target, worked out once per change of the registry rather than per request. */
  const byTarget = new Map<HealthTarget, Registered[]>();
  function checksOf(target: HealthTarget): Registered[] {
    let selected = byTarget.get(target);
    if (selected === undefined) {
      selected = [...checks.values()].filter((entry) => target === 'health' || entry.probes.has(target));
      byTarget.set(target, selected);
    }
    return selected;
  }

  async function check(target: HealthTarget = 'readiness'): Promise<HealthReport> {
    if (!targetNames.has(target)) {
      throw invalidOption('target', `must be liveness, readiness, startup or health, got ${String(target)}`);
    }
    const draining = shuttingDown && target !== 'liveness' && target !== 'startup';
    // A draining instance answers readiness at once: the point is to be taken out of rotation now.
    if (draining && target === 'readiness') {
      return { target, status: 'fail', score: 0, output: 'shutting down', checks: [], time: clock.now() };
    }
    const selected = checksOf(target);
    const reports = await Promise.all(selected.map(resultOf));
    const report: HealthReport = {
      target,
      status: draining ? 'fail' : aggregateStatus(reports),
      score: weightedScore(reports),
      checks: reports,
      time: clock.now(),
    };
    if (draining) report.output = 'shutting down';
    else if (report.status !== 'pass') report.output = summary(reports);
    return report;
  }

  async function respond(target: HealthTarget, request?: HealthRequestInfo): Promise<HealthResponse> {
    const [report, details] = await Promise.all([check(target), detailsAllowed(request)]);
    return toHealthResponse(report, { service, details, score: withScore });
  }

  async function detailsAllowed(request: HealthRequestInfo | undefined): Promise<boolean> {
    if (showDetails === 'always') return true;
    if (showDetails === 'never' || request === undefined) return false;
    try {
      return (await showDetails(request)) === true;
    } catch (error) {
      log('warn', { err: error }, 'showDetails threw; details hidden');
      return false;
    }
  }

  function register(name: string, healthCheck: HealthCheck, registerOptions: RegisterOptions = {}): () => void {
    if (closing.signal.aborted) throw new HealthError('ERR_HEALTH_CLOSED', 'cannot register on a closed health');
    if (typeof name !== 'string' || name.length === 0 || name.includes(':')) {
      throw invalidOption('name', `must be a non-empty string without ':', got ${JSON.stringify(name)}`);
    }
    if (typeof healthCheck !== 'function') throw invalidOption('check', `must be a function (check "${name}")`);
    if (checks.has(name)) throw new HealthError('ERR_HEALTH_DUPLICATE_CHECK', `a check named "${name}" exists`);
    const entry = registration(name, healthCheck, registerOptions);
    checks.set(name, entry);
    byTarget.clear();
    return () => {
      if (checks.get(name) === entry) {
        checks.delete(name);
        byTarget.clear();
      }
    };
  }

  function registration(name: string, healthCheck: HealthCheck, o: RegisterOptions): Registered {
    const probes = new Set<Probe>(typeof o.probes === 'string' ? [o.probes] : (o.probes ?? ['readiness']));
    if (probes.size === 0) throw invalidOption('probes', `must name at least one probe (check "${name}")`);
    for (const probe of probes) {
      if (!probeNames.has(probe)) {
        throw invalidOption('probes', `must be liveness, readiness or startup, got ${JSON.stringify(probe)}`);
      }
    }
    const measurement = o.measurement ?? healthCheck.measurement;
    if (
      measurement !== undefined &&
      (typeof measurement !== 'string' || measurement === '' || measurement.includes(':'))
    ) {
      throw invalidOption('measurement', `must be a non-empty string without ':' (check "${name}")`);
    }
    const componentType = o.componentType ?? healthCheck.componentType;
    if (componentType !== undefined && (typeof componentType !== 'string' || componentType === '')) {
      throw invalidOption('componentType', `must be a non-empty string (check "${name}")`);
    }
    const weight = optionCheck.number(o.weight, 'weight', { default: 1, min: 0 });
    const critical = optionCheck.boolean(o.critical, 'critical', true);
    return {
      name,
      key: measurement === undefined ? name : `${name}:${measurement}`,
      check: healthCheck,
      probes,
      critical,
      timeout: durationOption(o, 'timeout', 'timeoutMs', { default: timeout, positive: true }),
      cacheTtl: durationOption(o, 'cacheTtl', 'cacheTtlMs', { default: cacheTtl }),
      componentType,
      weight,
      running: undefined,
      last: undefined,
      stats: { runs: 0, failures: 0, timeouts: 0 },
    };
  }

  const close = closeOnce(async () => {
    closing.abort(new HealthError('ERR_HEALTH_CLOSED', 'health was closed'));
    const results = await Promise.allSettled(
      [...checks.values()].map(async (entry) => {
        await entry.check.close?.();
      }),
    );
    for (const result of results) {
      if (result.status === 'rejected') log('warn', { err: result.reason }, 'a health check failed to close');
    }
  });

  const health: Health = {
    register,
    check,
    respond,
    match,
    paths,
    handle: (request) => fetchHandler(health, request),
    listener: (req, res, next) => nodeListener(health, req, res, next),
    markShuttingDown() {
      shuttingDown = true;
    },
    get shuttingDown() {
      return shuttingDown;
    },
    stats() {
      const perCheck: HealthStats['checks'] = {};
      for (const entry of checks.values()) perCheck[entry.name] = { ...entry.stats };
      return { runs, cacheHits, shuttingDown, checks: perCheck };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return health;
}

function summary(reports: readonly CheckReport[]): string {
  const failing = reports.filter((r) => r.status === 'fail').map((r) => r.name);
  const warning = reports.filter((r) => r.status === 'warn').map((r) => r.name);
  const parts: string[] = [];
  if (failing.length > 0) parts.push(`failing: ${failing.join(', ')}`);
  if (warning.length > 0) parts.push(`warning: ${warning.join(', ')}`);
  return parts.join('; ');
}

function validService(service: ServiceInfo): ServiceInfo {
  if (typeof service !== 'object' || service === null) throw invalidOption('service', 'must be an object');
  for (const field of ['version', 'releaseId', 'serviceId', 'description'] as const) {
    const value = service[field];
    if (value !== undefined && typeof value !== 'string') {
      throw invalidOption(`service.${field}`, `must be a string, got ${typeof value}`);
    }
  }
  return { ...service };
}

function validShowDetails(value: ShowDetails): ShowDetails {
  if (value === 'always' || value === 'never' || typeof value === 'function') return value;
  throw invalidOption('showDetails', `must be 'always', 'never' or a function, got ${JSON.stringify(value)}`);
}
