/**
 * Accounts: register, log in (password, then TOTP or a recovery code when two-step sign-in is on; throttled per
 * account and network), tokens (access + rotating refresh) or a session cookie, 2FA enrolment, the caller's own
 * sessions, logout. Every refusal is a problem+json; the throttle's answers never tell whether an account exists.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { clearSessionCookie, sessionCookie } from '@infra/auth';
import type { Cache } from '@infra/cache';
import { HttpError } from '@infra/http-status';
import * as z from 'zod';
import type { Auth } from './auth.ts';
import { readJson } from './body.ts';
import type { Guard } from './guard.ts';
import type { Logger } from './logger.ts';
import type { Notifier } from './notify.ts';
import { clientIp, type RouteContext, type Router, send } from './router.ts';
import type { User } from './users.ts';

export interface AuthRoutesDeps {
  auth: Auth;
  guard: Guard;
  notify: Notifier;
  cache: Cache;
  adminEmails: readonly string[];
  cookie: { name: string; secure: boolean };
  logger?: Logger;
}

const email = z
  .email()
  .max(254)
  .transform((value) => value.toLowerCase());
const credentials = z.object({ email, password: z.string().min(1).max(1024) });
const registration = z.object({ email, password: z.string().min(12, 'use at least 12 characters').max(1024) });
const login = credentials.extend({
  code: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  recoveryCode: z.string().max(64).optional(),
  mode: z.enum(['token', 'session']).default('token'),
});
const refreshBody = z.object({ refreshToken: z.string().min(1).max(512) });
const logoutBody = z.object({ refreshToken: z.string().min(1).max(512).optional() });
const confirmBody = z.object({ code: z.string().regex(/^\d{6}$/), emailCode: z.string().regex(/^\d{6}$/) });
const codeBody = z.object({ code: z.string().regex(/^\d{6}$/) });

const emailCodeTtl = 10 * 60_000;
const digest = (value: string) => createHash('sha256').update(value).digest();

function metadataOf(req: IncomingMessage): Record<string, string> {
  const agent = req.headers['user-agent'];
  return { ip: clientIp(req), ...(agent ? { userAgent: agent.slice(0, 200) } : {}) };
}

function publicUser(user: User) {
  return { id: user.id, email: user.email, roles: user.roles, twoFactor: user.totpSecret !== undefined };
}

export function addAuthRoutes(router: Router, deps: AuthRoutesDeps): void {
  const { auth, guard, notify } = deps;
  const emailCodes = deps.cache.namespace('2fa-email');
  const cookieOptions = deps.cookie.secure ? { name: deps.cookie.name } : { name: deps.cookie.name, secure: false };

  /** Mails are sent after the answer; a failure is logged (and counted by the mailer), never lost silently. */
  const later = (what: string, sending: Promise<unknown>) =>
    void sending.catch((error: unknown) => deps.logger?.error({ err: error, mail: what }, 'mail: not sent'));

  async function secondFactor(user: User, body: z.infer<typeof login>): Promise<boolean> {
    if (user.totpSecret === undefined) return true;
    if (body.code !== undefined) return (await auth.totp.verify(user.id, user.totpSecret, body.code)).ok;
    if (body.recoveryCode !== undefined) return auth.recovery.consume(user.id, body.recoveryCode);
    throw new HttpError(401, 'This account uses two-step sign-in: send "code" (or "recoveryCode") with the password', {
      type: 'urn:example-api:two-factor-required',
      title: 'Second factor required',
    });
  }

  router.add('/api/auth/register', {
    POST: async ({ req, res }) => {
      const body = registration.parse(await readJson(req));
      const passwordHash = await auth.passwords.hash(body.password);
      const roles = deps.adminEmails.includes(body.email) ? ['user', 'admin'] : ['user'];
      const user = await auth.users.create({ email: body.email, passwordHash, roles });
      later('welcome', notify.welcome(user));
      send(req, res, { data: publicUser(user) }, 201);
    },
  });

  router.add('/api/auth/login', {
    POST: async ({ req, res }) => {
      const body = login.parse(await readJson(req));
      const attempt = { account: body.email, ip: clientIp(req) };
      await auth.throttle.assert(attempt);
      const user = await auth.users.byEmail(body.email);
      const { ok, needsRehash } = await auth.passwords.verify(user?.passwordHash, body.password);
      // A wrong second factor counts as a failed login: 10^6 codes are guessable otherwise.
      if (!ok || !user || !(await secondFactor(user, body))) {
        await auth.throttle.failure(attempt);
        throw HttpError.unauthorized('Wrong e-mail, password or code');
      }
      await auth.throttle.success(attempt);
      if (needsRehash) await auth.users.update(user.id, { passwordHash: await auth.passwords.hash(body.password) });
      const metadata = metadataOf(req);
      if (body.mode === 'session') {
        const { token, session } = await auth.sessions.start(user.id, { metadata });
        const csrf = auth.csrf.issue(session.id);
        res.setHeader('set-cookie', [sessionCookie(token, cookieOptions), csrf.cookie]);
        return send(req, res, { data: { user: publicUser(user), csrfToken: csrf.token } });
      }
      const pair = await auth.tokens.issueTokens(user.id, { metadata });
      send(req, res, {
        data: {
          user: publicUser(user),
          accessToken: pair.accessToken,
          refreshToken: pair.refreshToken,
          expiresIn: pair.expiresIn,
        },
      });
    },
  });

  router.add('/api/auth/refresh', {
    POST: async ({ req, res }) => {
      const { refreshToken } = refreshBody.parse(await readJson(req));
      const pair = await auth.tokens.refresh(refreshToken);
      send(req, res, {
        data: { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresIn: pair.expiresIn },
      });
    },
  });

  router.add('/api/auth/logout', {
    POST: async ({ req, res }) => {
      const caller = await guard.authenticate(req, res);
      if (!caller) return;
      const { principal } = caller;
      if (principal.type === 'session') {
        await auth.sessions.revokeById(principal.session.id);
        res.setHeader('set-cookie', clearSessionCookie(cookieOptions));
      } else {
        const body = req.headers['content-type'] ? logoutBody.parse(await readJson(req)) : {};
        if (body.refreshToken) await auth.tokens.revokeRefreshToken(body.refreshToken);
        const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (bearer) await auth.tokens.revokeAccessToken(bearer);
      }
      res.writeHead(204).end();
    },
  });

  router.add('/api/me', {
    GET: async ({ req, res }) => {
      const caller = await guard.authenticate(req, res);
      if (caller) send(req, res, { data: publicUser(caller.user) });
    },
  });

  router.add('/api/auth/csrf', {
    GET: async ({ req, res }) => {
      const caller = await guard.authenticate(req, res);
      if (!caller) return;
      if (caller.principal.type !== 'session') throw HttpError.badRequest('CSRF tokens are for session cookies');
      const csrf = auth.csrf.issue(caller.principal.session.id);
      res.setHeader('set-cookie', csrf.cookie);
      send(req, res, { data: { csrfToken: csrf.token } });
    },
  });

  router.add('/api/auth/2fa/enroll', {
    POST: async ({ req, res }) => {
      const caller = await guard.authenticate(req, res);
      if (!caller) return;
      const { user } = caller;
      if (user.totpSecret !== undefined) throw HttpError.conflict('Two-step sign-in is on already');
      const enrollment = auth.totp.enroll(user.email);
      await auth.users.update(user.id, { totpPending: enrollment.secret });
      const emailCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await emailCodes.set(
        user.id,
        {
          digest: digest(`${user.id}:${emailCode}`).toString('base64'),
          expiresAt: Date.now() + emailCodeTtl,
        },
        { ttl: emailCodeTtl },
      );
      // The code proves the address before the second factor is on; without the mail there is no confirming.
      await notify.enrollmentCode(user, emailCode);
      send(req, res, { data: { secret: enrollment.secret, uri: enrollment.uri, qrSvg: enrollment.qrSvg } });
    },
  });

  router.add('/api/auth/2fa/confirm', {
    POST: async ({ req, res }) => {
      const caller = await guard.authenticate(req, res);
      if (!caller) return;
      const { user } = caller;
      const body = confirmBody.parse(await readJson(req));
      if (user.totpPending === undefined) throw HttpError.conflict('Enroll first: POST /api/auth/2fa/enroll');
      const stored = await emailCodes.get<{ digest: string; expiresAt: number }>(user.id);
      const expected = stored && stored.expiresAt > Date.now() ? Buffer.from(stored.digest, 'base64') : undefined;
      const given = digest(`${user.id}:${body.emailCode}`);
      const attempt = { account: user.email, ip: clientIp(req) };
      await auth.throttle.assert(attempt);
      const mailOk = expected !== undefined && expected.length === given.length && timingSafeEqual(expected, given);
      const totpOk = mailOk && (await auth.totp.verify(user.id, user.totpPending, body.code)).ok;
      if (!totpOk) {
        await auth.throttle.failure(attempt);
        throw HttpError.unprocessableContent('The code from the app or the code from the mail is wrong or expired');
      }
      await emailCodes.delete(user.id);
      await auth.users.update(user.id, { totpSecret: user.totpPending, totpPending: undefined });
      const recoveryCodes = await auth.recovery.generate(user.id);
      later('2fa-on', notify.twoFactorOn(user));
      send(req, res, { data: { twoFactor: true, recoveryCodes } });
    },
  });

  router.add('/api/auth/2fa/verify', {
    POST: async ({ req, res }) => {
      const caller = await guard.authenticate(req, res);
      if (!caller) return;
      const { user } = caller;
      if (user.totpSecret === undefined) throw HttpError.conflict('Two-step sign-in is off');
      const { code } = codeBody.parse(await readJson(req));
      const attempt = { account: user.email, ip: clientIp(req) };
      await auth.throttle.assert(attempt);
      const result = await auth.totp.verify(user.id, user.totpSecret, code);
      if (!result.ok) {
        await auth.throttle.failure(attempt);
        throw HttpError.unprocessableContent(
          result.reason === 'replayed' ? 'This code was used already' : 'Wrong code',
        );
      }
      send(req, res, { data: { verified: true } });
    },
  });

  router.add('/api/auth/sessions', {
    GET: async ({ req, res }) => {
      const caller = await guard.authenticate(req, res);
      if (!caller) return;
      const [families, sessions] = await Promise.all([
        auth.tokens.listFamilies(caller.user.id),
        auth.sessions.list(caller.user.id),
      ]);
      const current = caller.principal.type === 'session' ? caller.principal.session.id : undefined;
      send(req, res, {
        data: [
          ...families.map((f) => ({ id: f.id, type: 'token', createdAt: f.createdAt, metadata: f.metadata })),
          ...sessions.map((s) => ({
            id: s.id,
            type: 'session',
            createdAt: s.createdAt,
            metadata: s.metadata,
            current: s.id === current,
          })),
        ],
      });
    },
  });

  router.add('/api/auth/sessions/:id', {
    DELETE: async ({ req, res, params }: RouteContext) => {
      const caller = await guard.authenticate(req, res);
      if (!caller) return;
      const id = params.id ?? '';
      const userId = caller.user.id;
      // Only the caller's own: an id of someone else's session is answered as unknown.
      const [families, sessions] = await Promise.all([auth.tokens.listFamilies(userId), auth.sessions.list(userId)]);
      let revoked = false;
      if (families.some((f) => f.id === id)) revoked = await auth.tokens.revokeFamily(id, 'logout');
      else if (sessions.some((s) => s.id === id)) revoked = await auth.sessions.revokeById(id);
      if (!revoked) throw HttpError.notFound('You have no session with this id');
      res.writeHead(204).end();
    },
  });
}
