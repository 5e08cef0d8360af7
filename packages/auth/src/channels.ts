import { defineChannels } from '../../../internal/src/index.ts';

/**
 * The `node:diagnostics_channel` channels of `@infra/auth` (`infra:auth:<event>`), the audit trail. Messages
 * carry ids (user, family, session, `jti`, `kid`), never a token or a secret, and are built only when someone
 * subscribes. Each event is also logged through the `logger` option.
 *
 * @example subscribe(authChannels['reuse-detected'].name, (event) => alert(event))
 */
export const authChannels = defineChannels('auth', [
  'issued',
  'refreshed',
  'reuse-detected',
  'revoked',
  'session-created',
  'session-rotated',
  'session-revoked',
  'key-rotated',
]);

/** The events of {@link authChannels}. */
export type AuthEventName = keyof typeof authChannels;

/** The message of every {@link authChannels} event: what happened, to whom, and when. */
export interface AuthEvent {
  event: AuthEventName;
  /** When, on the instance's clock (ms since the epoch). */
  at: number;
  userId?: string;
  familyId?: string;
  sessionId?: string;
  jti?: string;
  kid?: string;
  /** Why a revocation happened: `'logout'`, `'reuse'`, `'user'`, `'evicted'`, `'rotated'`, ... */
  reason?: string;
  /** Request metadata the app passed (device, ip, user agent). */
  metadata?: Readonly<Record<string, string>>;
}
