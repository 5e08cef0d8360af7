/**
 * `createCors`: answers CORS for an origin allow-list. Only an allowed origin is echoed back (never `*` with
 * credentials, never an arbitrary origin); `Vary: Origin` is always set, so a cache never serves one origin's
 * answer to another; preflights are answered with their own max-age.
 */
import type { Duration } from '../../../../internal/src/index.ts';
import { check, invalidOption } from '../errors.ts';

/** One allowed origin: exact (`'https://app.example.com'`), a pattern anchored with ^ and $, or a function. */
export type CorsOrigin = string | RegExp | ((origin: string) => boolean);

/** Options of {@link createCors}. */
export interface CorsOptions {
  /** Who may call: `'*'` (anyone, without credentials), one origin rule or a list. Required. */
  origins: '*' | CorsOrigin | readonly CorsOrigin[];
  /** Allow cookies and HTTP auth (`Access-Control-Allow-Credentials: true`); forbidden with `'*'`. @default false */
  credentials?: boolean;
  /** Methods a preflight allows. @default ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'] */
  methods?: readonly string[];
  /** Request headers a preflight allows; `undefined` allows what the preflight asks for. @default undefined */
  allowedHeaders?: readonly string[];
  /** Response headers scripts may read. @default [] */
  exposedHeaders?: readonly string[];
  /** How long browsers may cache a preflight answer (`Access-Control-Max-Age`, whole seconds). @default '10m' */
  maxAge?: Duration;
}

/** The CORS part of one response. */
export interface CorsResult {
  /** Headers to set (lower case); `vary` is to be appended to any existing `Vary`. */
  headers: Record<string, string>;
  /** A preflight: answer it now with status 204 and these headers, without running the route. */
  preflight: boolean;
  /** Whether the origin is allowed. */
  allowed: boolean;
}

/** CORS for one allow-list. */
export interface Cors {
  /** The CORS answer for a request's method and headers. */
  forRequest(method: string, header: (name: string) => string | undefined): CorsResult;
}

const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function exactOrigin(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {}
  if (value === 'null' || url === undefined || url.origin !== value) {
    throw invalidOption(
      'origins',
      `expected an origin such as 'https://app.example.com' (no path, no trailing slash), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Creates CORS handling.
 *
 * @example
 * const cors = createCors({ origins: ['https://app.example.com', /^https:\/\/[a-z0-9-]+\.example\.com$/], credentials: true });
 * app.use(corsMiddleware({ cors }));
 */
export function createCors(options: CorsOptions): Cors {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const credentials = check.boolean(options.credentials, 'credentials', false);
  const anyone = options.origins === '*';
  if (anyone && credentials) {
    throw invalidOption('origins', "'*' cannot go with credentials: list the origins that may send them");
  }
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  const functions: ((origin: string) => boolean)[] = [];
  if (!anyone) {
    const rules = Array.isArray(options.origins) ? options.origins : [options.origins];
    if (rules.length === 0) throw invalidOption('origins', 'must list at least one origin');
    for (const rule of rules as readonly CorsOrigin[]) {
      if (typeof rule === 'string') exact.add(exactOrigin(rule));
      else if (rule instanceof RegExp) {
        // An unanchored pattern matches `https://app.example.com.evil.test` too.
        if (!rule.source.startsWith('^') || !rule.source.endsWith('$')) {
          throw invalidOption('origins', `a pattern must be anchored with ^ and $, got ${rule}`);
        }
        patterns.push(new RegExp(rule.source, rule.flags.replace(/[gy]/g, '')));
      } else if (typeof rule === 'function') functions.push(rule);
      else throw invalidOption('origins', 'each origin must be a string, a RegExp or a function');
    }
  }
  const list = (value: readonly string[] | undefined, name: string, fallback: readonly string[]) => {
    const items = value ?? fallback;
    if (!Array.isArray(items) || items.some((item) => typeof item !== 'string' || !token.test(item))) {
      throw invalidOption(name, 'must be a list of header or method names');
    }
    return items.join(', ');
  };
  const methods = list(options.methods, 'methods', ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE']);
  const allowedHeaders =
    options.allowedHeaders === undefined ? undefined : list(options.allowedHeaders, 'allowedHeaders', []);
  const exposed = list(options.exposedHeaders, 'exposedHeaders', []);
  const maxAge = String(Math.floor(check.duration(options.maxAge, 'maxAge', { default: 600_000 }) / 1000));

  function allowed(origin: string): boolean {
    if (anyone) return true;
    if (exact.has(origin)) return true;
    // `null` (sandboxed frames, file:) is never matched by a pattern or function: only an exact 'null' could, and
    // exact rules refuse it.
    if (origin === 'null') return false;
    for (const pattern of patterns) if (pattern.test(origin)) return true;
    for (const fn of functions) if (fn(origin) === true) return true;
    return false;
  }

  return {
    forRequest(method, header) {
      const origin = header('origin');
      const preflight =
        method.toUpperCase() === 'OPTIONS' &&
        origin !== undefined &&
        header('access-control-request-method') !== undefined;
      const headers: Record<string, string> = {
        vary: preflight ? 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' : 'Origin',
      };
      if (origin === undefined || !allowed(origin)) return { headers, preflight, allowed: false };
      headers['access-control-allow-origin'] = anyone ? '*' : origin;
      if (credentials) headers['access-control-allow-credentials'] = 'true';
      if (preflight) {
        headers['access-control-allow-methods'] = methods;
        const requested = header('access-control-request-headers');
        const allowHeaders =
          allowedHeaders ?? (requested !== undefined && /^[\w\s,-]*$/.test(requested) ? requested : undefined);
        if (allowHeaders) headers['access-control-allow-headers'] = allowHeaders;
        headers['access-control-max-age'] = maxAge;
      } else if (exposed !== '') {
        headers['access-control-expose-headers'] = exposed;
      }
      return { headers, preflight, allowed: true };
    },
  };
}
