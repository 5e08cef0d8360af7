/**
 * `createTotp`: RFC 6238 codes through otplib (the card's choice), with what otplib leaves to the app: a secret of at
 * least 160 bits, the `otpauth://` URI and its QR code, and replay protection. otplib alone is stateless, so a code
 * verifies again and again inside its window; here the matched time step is claimed in a store, atomically, and a
 * code (or an older one) is accepted once per user.
 */
import { randomBytes } from 'node:crypto';
import { generateSync, generateURI, ScureBase32Plugin, verifySync } from 'otplib';
import { renderSVG } from 'uqr';
import type { Clock, Duration } from '../../../../internal/src/index.ts';
import { clockOption } from '../../../../internal/src/index.ts';
import { AuthError, check, invalidOption } from '../errors.ts';
import { memoryTwoFactorStore } from './memory-store.ts';
import type { TwoFactorStore } from './store.ts';

/** HMAC hash of the codes; authenticator apps other than Google's honour all three. */
export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** Options of {@link createTotp}. */
export interface TotpOptions {
  /** Shown in the authenticator app above the account, and the URI's `issuer`. Required. */
  issuer: string;
  /** Where accepted time steps are claimed; share one across instances (Redis, PostgreSQL). @default memoryTwoFactorStore() */
  store?: TwoFactorStore;
  /** @default 'sha1' (what every authenticator app supports) */
  algorithm?: TotpAlgorithm;
  /** Code length. @default 6 */
  digits?: 6 | 7 | 8;
  /** Time step; whole seconds. @default '30s' */
  period?: Duration;
  /** Steps accepted before and after the current one, for clock drift and typing time (RFC 6238 §5.2). @default 1 */
  window?: number;
  /** Random bytes of a new secret; at least 20 (160 bits, RFC 4226 §4). @default 20 */
  secretBytes?: number;
  /** Time source of verification. @default systemClock */
  clock?: Clock;
}

/** What {@link Totp.enroll} gives: store `secret` with the user; show `qrSvg` (or `uri`) once. */
export interface TotpEnrollment {
  /** Base32 secret, without padding. */
  secret: string;
  /** `otpauth://totp/…` for authenticator apps. */
  uri: string;
  /** The URI as a QR code, an SVG document. */
  qrSvg: string;
}

/** The answer of {@link Totp.verify}. */
export type TotpVerification =
  | {
      ok: true /** Time step the code belongs to. */;
      step: number /** Steps from the current one (-1, 0, +1). */;
      delta: number;
    }
  | {
      ok: false /** `'invalid'`: wrong or malformed code; `'replayed'`: right code, already used (or older than one used). */;
      reason: 'invalid' | 'replayed';
    };

/** TOTP enrollment and verification. */
export interface Totp {
  /** A new secret for `account` (the name the authenticator app shows, e.g. an email), its URI and QR code. */
  enroll(account: string): TotpEnrollment;
  /** Checks `code` against `secret` and claims its time step for `userId`, so it is accepted once. */
  verify(userId: string, secret: string, code: string): Promise<TotpVerification>;
  /** The current code of `secret` (for tests and set-up screens that confirm the app works). */
  generate(secret: string, at?: number): string;
}

const base32 = new ScureBase32Plugin();

/**
 * Creates a TOTP verifier with replay protection.
 *
 * @example
 * const totp = createTotp({ issuer: 'Acme', store: redisTwoFactorStore({ client }) });
 * const { secret, qrSvg } = totp.enroll('alice@example.com'); // keep secret with the user, show qrSvg
 * const result = await totp.verify(user.id, secret, req.body.code);
 */
export function createTotp(options: TotpOptions): Totp {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const issuer = check.string(options.issuer, 'issuer');
  if (issuer.includes(':')) throw invalidOption('issuer', 'must not contain ":" (it separates issuer and account)');
  const store = options.store ?? memoryTwoFactorStore({ ...(options.clock ? { clock: options.clock } : {}) });
  if (typeof store?.claimTotpStep !== 'function') throw invalidOption('store', 'must be a two-factor store');
  const algorithm = check.oneOf(options.algorithm, 'algorithm', ['sha1', 'sha256', 'sha512'] as const, 'sha1');
  const digits = check.number(options.digits, 'digits', { default: 6, min: 6, max: 8, integer: true }) as 6 | 7 | 8;
  const periodMs = check.duration(options.period, 'period', { default: 30_000, min: 1000 });
  if (periodMs % 1000 !== 0) throw invalidOption('period', `must be whole seconds, got ${periodMs} ms`);
  const period = periodMs / 1000;
  const window = check.number(options.window, 'window', { default: 1, min: 0, max: 10, integer: true });
  const secretBytes = check.number(options.secretBytes, 'secretBytes', {
    default: 20,
    min: 20,
    max: 64,
    integer: true,
  });
  const clock = clockOption(options.clock, invalidOption);
  // A step must be remembered until no code of it can verify: the window after it, plus the step itself.
  const claimTtl = (window + 1) * periodMs + periodMs;

  function secretBytesOf(secret: unknown): Uint8Array {
    if (typeof secret !== 'string' || !/^[A-Za-z2-7]+=*$/.test(secret)) {
      throw new AuthError('ERR_AUTH_TOTP_SECRET_INVALID', 'A TOTP secret must be a base32 string');
    }
    const bytes = base32.decode(secret.toUpperCase());
    if (bytes.length < 16) {
      throw new AuthError(
        'ERR_AUTH_TOTP_SECRET_INVALID',
        `A TOTP secret must have at least 128 bits, this one has ${bytes.length * 8}`,
      );
    }
    return bytes;
  }

  function checkUser(userId: unknown): string {
    if (typeof userId !== 'string' || userId === '') throw invalidOption('userId', 'must be a non-empty string');
    return userId;
  }

  // otplib's default HMAC (noble, pure JS) beats node:crypto's createHmac for 8-byte messages: no native call per step.
  const common = { algorithm, digits, period } as const;

  return {
    enroll(account) {
      const label = check.string(account, 'account');
      const secret = base32.encode(randomBytes(secretBytes), { padding: false });
      const uri = generateURI({ issuer, label, secret, algorithm, digits, period });
      return { secret, uri, qrSvg: renderSVG(uri, { ecc: 'M' }) };
    },
    async verify(userId, secret, code) {
      const user = checkUser(userId);
      const key = secretBytesOf(secret);
      const token = typeof code === 'string' ? code.replace(/[\s-]/g, '') : '';
      if (token.length !== digits || !/^\d+$/.test(token)) return { ok: false, reason: 'invalid' };
      const result = verifySync({
        ...common,
        secret: key,
        token,
        epoch: Math.floor(clock.now() / 1000),
        epochTolerance: window * period,
      });
      // otplib types TOTP and HOTP results as one union; only the TOTP one has `timeStep`.
      if (!result.valid || !('timeStep' in result)) return { ok: false, reason: 'invalid' };
      const claimed = await store.claimTotpStep(user, result.timeStep, claimTtl);
      return claimed ? { ok: true, step: result.timeStep, delta: result.delta } : { ok: false, reason: 'replayed' };
    },
    generate(secret, at) {
      return generateSync({ ...common, secret: secretBytesOf(secret), epoch: Math.floor((at ?? clock.now()) / 1000) });
    },
  };
}
