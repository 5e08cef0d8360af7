/**
 * The parts of a `node:http` request and response (also Express' and Fastify's `raw`) the security adapters
 * touch, as structural types: the public types need no `@types/node`. Also where a response's CSP nonce and
 * CSRF token are kept for the app to read.
 */

/** The part of `http.IncomingMessage` the adapters read. */
export interface NodeRequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** The part of `http.ServerResponse` the adapters write. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string | number | readonly string[]): unknown;
  getHeader(name: string): string | number | string[] | undefined;
  removeHeader(name: string): void;
  end(body?: string): unknown;
}

/** A request header by lower-case name (first value of a repeated one, joined for `cookie`). */
export function nodeHeader(request: NodeRequestLike, name: string): string | undefined {
  const value = request.headers[name];
  if (Array.isArray(value)) return name === 'cookie' ? value.join('; ') : value[0];
  return value;
}

/** Adds `value` to a response's `Vary` (or any list header) without repeating what is there. */
export function appendVary(existing: string | undefined | null, value: string): string {
  if (existing === undefined || existing === null || existing === '') return value;
  if (existing.trim() === '*') return existing;
  const present = new Set(existing.split(',').map((part) => part.trim().toLowerCase()));
  const added = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => !present.has(part.toLowerCase()));
  return added.length === 0 ? existing : `${existing}, ${added.join(', ')}`;
}

/** Applies CORS or security headers to a node response: `vary` appended, `set-cookie` added, the rest set. */
export function applyNodeHeaders(response: NodeResponseLike, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'vary') {
      const current = response.getHeader('vary');
      response.setHeader('vary', appendVary(current === undefined ? undefined : String(current), value));
    } else if (name === 'set-cookie') {
      const current = response.getHeader('set-cookie');
      const list = current === undefined ? [] : Array.isArray(current) ? current : [String(current)];
      response.setHeader('set-cookie', [...list, value]);
    } else {
      response.setHeader(name, value);
    }
  }
}

const nonces = new WeakMap<object, string>();
const tokens = new WeakMap<object, string>();

/** The CSP nonce of a response (its node response, an Express `res`, a Fastify `reply.raw`), set by the security-headers adapter. */
export function cspNonceOf(response: object): string | undefined {
  return nonces.get(response);
}

/** The CSRF token of a response (for a form field or a meta tag), set by the CSRF adapter on safe requests. */
export function csrfTokenOf(response: object): string | undefined {
  return tokens.get(response);
}

export function rememberNonce(response: object, nonce: string | undefined): void {
  if (nonce !== undefined) nonces.set(response, nonce);
}

export function rememberToken(response: object, token: string): void {
  tokens.set(response, token);
}
