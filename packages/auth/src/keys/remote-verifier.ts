// Verifies access tokens of another service against its published JWKS, through jose's remote JWKS (cached,
// refetched on an unknown `kid` at most once per cooldown). Same checks as `verifyAccessToken` except the
// revocation lists, which belong to the issuing service.
import { createRemoteJWKSet, customFetch, type FetchImplementation } from 'jose';
import { type Clock, clockOption, type Duration, withDeadline } from '../../../../internal/src/index.ts';
import { AuthError, check, invalidOption } from '../errors.ts';
import type { AccessTokenClaims } from '../tokens/claims.ts';
import { verifyJwt } from '../tokens/verify.ts';
import { type SigningAlgorithm, signingAlgorithms } from './material.ts';

/** Options of {@link createRemoteVerifier}. */
export interface RemoteVerifierOptions {
  /** Where the issuer publishes its JWKS. Required. */
  jwksUrl: string | URL;
  /** The issuer(s) accepted. Required. */
  issuer: string | readonly string[];
  /** The audience(s) accepted: this service. Required. */
  audience: string | readonly string[];
  /** Algorithms accepted (asymmetric only: a JWKS never carries a shared secret). @default ['EdDSA', 'ES256'] */
  algorithms?: readonly Exclude<SigningAlgorithm, 'HS256'>[];
  /** Clock skew accepted on `exp`, `nbf` and `iat` (whole seconds). @default '30s' */
  clockTolerance?: Duration;
  /** How long a fetched JWKS is used before it is fetched again. @default '10m' */
  cacheMaxAge?: Duration;
  /** After a fetch, how long an unknown `kid` waits before it may trigger another. @default '30s' */
  cooldown?: Duration;
  /** Timeout of one JWKS fetch. @default '5s' */
  timeout?: Duration;
  /** Headers sent with the JWKS request. @default {} */
  headers?: Readonly<Record<string, string>>;
  /** @default the system clock */
  clock?: Clock;
}

/** Verifies another service's access tokens. */
export interface RemoteVerifier {
  /** Rejects with `ERR_AUTH_TOKEN_EXPIRED` or `ERR_AUTH_TOKEN_INVALID` (401), or `ERR_AUTH_JWKS_UNAVAILABLE` (503). */
  verifyAccessToken<C extends object = Record<string, unknown>>(token: string): Promise<AccessTokenClaims<C>>;
}

/**
 * A verifier of tokens from another service, by its JWKS URL.
 *
 * @example const verifier = createRemoteVerifier({ jwksUrl: 'https://id.example.com/.well-known/jwks.json', issuer: 'https://id.example.com', audience: 'api' })
 */
export function createRemoteVerifier(options: RemoteVerifierOptions): RemoteVerifier {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'expected an object');
  let url: URL;
  try {
    url = new URL(options.jwksUrl);
  } catch {
    throw invalidOption('jwksUrl', `expected an http(s) URL, got ${JSON.stringify(String(options.jwksUrl))}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidOption('jwksUrl', 'expected an http(s) URL');
  const issuer = list(options.issuer, 'issuer');
  const audience = list(options.audience, 'audience');
  const algorithms = [...(options.algorithms ?? ['EdDSA', 'ES256'])];
  for (const alg of algorithms) {
    if (!signingAlgorithms.includes(alg) || (alg as string) === 'HS256') {
      throw invalidOption(
        'algorithms',
        `expected asymmetric algorithms (${signingAlgorithms.filter((a) => a !== 'HS256').join(', ')}), got ${JSON.stringify(alg)}`,
      );
    }
  }
  const clock = clockOption(options.clock, invalidOption);
  const toleranceMs = check.duration(options.clockTolerance, 'clockTolerance', { default: 30_000 });
  if (toleranceMs % 1000 !== 0) throw invalidOption('clockTolerance', 'must be whole seconds (JWT times are seconds)');
  const cacheMaxAge = check.duration(options.cacheMaxAge, 'cacheMaxAge', { default: 600_000 });
  const cooldown = check.duration(options.cooldown, 'cooldown', { default: 30_000 });
  const timeout = check.duration(options.timeout, 'timeout', { default: 5_000, positive: true });
  // The fetch runs under the kernel's deadline on the injected clock; jose's own timeout is a backstop.
  const deadlineFetch: FetchImplementation = (input, init) => {
    const controller = new AbortController();
    const signal = init.signal === undefined ? controller.signal : AbortSignal.any([init.signal, controller.signal]);
    const response = fetch(input, { ...init, signal }).catch((cause: unknown) => {
      throw new AuthError(
        'ERR_AUTH_JWKS_UNAVAILABLE',
        `the JWKS at ${url.origin}${url.pathname} could not be fetched`,
        {
          status: 503,
          cause,
        },
      );
    });
    return withDeadline(response, timeout, clock, () => {
      controller.abort();
      return new AuthError(
        'ERR_AUTH_JWKS_UNAVAILABLE',
        `the JWKS at ${url.origin}${url.pathname} did not answer within ${timeout} ms`,
        { status: 503 },
      );
    });
  };
  const jwks = createRemoteJWKSet(url, {
    cacheMaxAge,
    cooldownDuration: cooldown,
    timeoutDuration: timeout + 1_000,
    headers: { ...options.headers },
    [customFetch]: deadlineFetch,
  });
  return {
    verifyAccessToken: (token) =>
      verifyJwt(token, jwks, { issuer, audience, algorithms, clockTolerance: toleranceMs / 1000, now: clock.now() }),
  };
}

function list(value: unknown, option: string): string[] {
  const items = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(items) || items.length === 0 || items.some((a) => typeof a !== 'string' || a === '')) {
    throw invalidOption(option, 'expected a non-empty string or a non-empty array of them');
  }
  return [...items] as string[];
}
