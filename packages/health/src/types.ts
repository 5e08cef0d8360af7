/** The three Kubernetes-style probes a check can belong to. */
export type Probe = 'liveness' | 'readiness' | 'startup';

/** What the health endpoints serve: one probe, or `'health'` (every registered check). */
export type HealthTarget = Probe | 'health';

/** A status as health+json spells it. */
export type HealthStatus = 'pass' | 'warn' | 'fail';

/** What a check may return; returning nothing means pass, throwing means fail. */
export interface CheckResult {
  /** @default 'pass' */
  status?: HealthStatus;
  /** The measured value (a duration, a byte count, a ratio); any JSON value. */
  observedValue?: unknown;
  /** Unit of `observedValue`, e.g. `'ms'`, `'bytes'`, `'percent'`. */
  observedUnit?: string;
  /** Why the check warns or fails; shown only when details are shown. */
  output?: string;
}

/**
 * A health check: gets an `AbortSignal` (aborted when the check outlives its timeout or the health instance
 * closes) and returns nothing (pass) or a {@link CheckResult}; throwing means fail. The optional properties let a
 * built-in check carry its own defaults into `register`.
 */
export interface HealthCheck {
  // biome-ignore lint/suspicious/noConfusingVoidType: a check that passes returns nothing
  (signal: AbortSignal): void | CheckResult | Promise<void | CheckResult>;
  /** Default `componentType` for `register` (`'datastore'`, `'system'`, `'component'`, or a URI). */
  readonly componentType?: string;
  /** Default measurement name for `register` (the part after the colon in the health+json key). */
  readonly measurement?: string;
  /** Releases what the check holds (a histogram, a timer); `health.close()` calls it. */
  readonly close?: () => void | Promise<void>;
}

/** One check's outcome, as the report carries it. */
export interface CheckReport {
  /** The name given to `register`. */
  name: string;
  /** The health+json key: `name:measurement`, or `name` when there is no measurement. */
  key: string;
  status: HealthStatus;
  critical: boolean;
  weight: number;
  componentType?: string;
  observedValue?: unknown;
  observedUnit?: string;
  /** Why it warns or fails (redacted for thrown errors unless `exposeErrors` is on). */
  output?: string;
  /** When the check finished, ms since the epoch (from the `clock`). */
  time: number;
  /** How long the run took, in ms. */
  durationMs: number;
  /** Whether this result came from the cache rather than a fresh run. */
  cached: boolean;
}

/** The outcome of one probe (or of every check, for `'health'`). */
export interface HealthReport {
  target: HealthTarget;
  status: HealthStatus;
  /** Weighted score 0–100: pass counts 1, warn 0.5, fail 0 (100 when there are no checks). */
  score: number;
  /** Why the whole report fails, when no single check says it (e.g. `'shutting down'`). */
  output?: string;
  checks: CheckReport[];
  /** When the report was made, ms since the epoch (from the `clock`). */
  time: number;
}

/** What a `showDetails` function sees of a request, the same for every framework. */
export interface HealthRequestInfo {
  method: string;
  /** Path and query string, as sent. */
  url: string;
  /** A request header (lower-case name), or `undefined`. */
  header(name: string): string | undefined;
}

/** A framework-neutral HTTP answer: every adapter writes this as it is. */
export interface HealthResponse {
  /** 200 for pass and warn, 503 for fail. */
  status: 200 | 503;
  headers: Record<string, string>;
  /** The health+json text. */
  body: string;
  report: HealthReport;
}
