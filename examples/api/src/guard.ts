/**
 * Authentication of protected routes through `requireAuth` of `@infra/auth/node` (bearer token first, else the
 * session cookie), then the example's own rules: CSRF on unsafe requests authenticated by the cookie, the user
 * still existing, and the admin role for `/api/system/*`.
 *
 * `requireAuth` answers its refusals itself (401 with `WWW-Authenticate`, problem+json) and wraps a listener;
 * here it is bridged into a promise so the route's own errors still reach the app's problem handler (a listener
 * that throws inside `requireAuth` would be answered as a bare 500 by the adapter).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '@infra/auth/node';
import { requireAuth } from '@infra/auth/node';
import { HttpError } from '@infra/http-status';
import type { Auth } from './auth.ts';
import type { User } from './users.ts';

/** An authenticated request's principal and user. */
export interface Caller {
  principal: Principal;
  user: User;
}

export interface Guard {
  /** The caller, or `undefined` when `requireAuth` refused (and answered) the request. */
  authenticate(req: IncomingMessage, res: ServerResponse): Promise<Caller | undefined>;
  /** Like `authenticate`, then a 403 problem unless the user has the admin role. */
  admin(req: IncomingMessage, res: ServerResponse): Promise<Caller | undefined>;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createGuard(auth: Auth, options: { cookieName: string }): Guard {
  const waiting = new WeakMap<IncomingMessage, (principal: Principal) => void>();
  const gate = requireAuth({ tokens: auth.tokens, sessions: auth.sessions, cookieName: options.cookieName }, (req) =>
    waiting.get(req)?.(req.auth),
  );

  function principalOf(req: IncomingMessage, res: ServerResponse): Promise<Principal | undefined> {
    return new Promise((resolve) => {
      waiting.set(req, resolve);
      // A refusal is written by requireAuth: the response finishing without the listener is the signal.
      res.once('finish', () => resolve(undefined));
      res.once('close', () => resolve(undefined));
      gate(req, res);
    });
  }

  async function authenticate(req: IncomingMessage, res: ServerResponse): Promise<Caller | undefined> {
    const principal = await principalOf(req, res);
    if (principal === undefined) return undefined;
    if (principal.type === 'session' && !safeMethods.has(req.method ?? 'GET')) {
      const decision = auth.csrf.check({
        method: req.method ?? 'GET',
        header: (name) => {
          const value = req.headers[name.toLowerCase()];
          return Array.isArray(value) ? value[0] : value;
        },
        sessionId: principal.session.id,
      });
      if (!decision.ok) throw auth.csrf.error(decision.reason);
    }
    const user = await auth.users.byId(principal.userId);
    if (!user) throw HttpError.unauthorized('The account no longer exists');
    return { principal, user };
  }

  return {
    authenticate,
    async admin(req, res) {
      const caller = await authenticate(req, res);
      if (caller && !caller.user.roles.includes('admin')) {
        throw HttpError.forbidden('This endpoint is for administrators');
      }
      return caller;
    },
  };
}
