/** A JSON client for the example's API, as the tests and the load script use it. */
import { createTotp } from '@infra/auth';

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

/** The authenticator app of the tests: codes of `secret` at `at` (default now). */
const authenticator = createTotp({ issuer: 'test' });
export const totpCode = (secret: string, at = Date.now()) => authenticator.generate(secret, at);

export interface Login {
  accessToken: string;
  refreshToken: string;
}

let counter = 0;
/** A fresh e-mail address for one test. */
export const newEmail = (tag = 'user') => `${tag}-${process.pid}-${Date.now()}-${counter++}@example.com`;
export const password = 'correct horse battery staple';

/** Registers and logs in with tokens. */
export async function registerAndLogin(base: string, email = newEmail()): Promise<Login & { email: string }> {
  const registered = await call(base, 'POST', '/api/auth/register', { body: { email, password } });
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
  const login = await call<{ data: Login }>(base, 'POST', '/api/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  return { email, ...login.body.data };
}
