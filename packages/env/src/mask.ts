/**
 * Masks what a URL can carry that must not be shown: its userinfo (`user:password@`, and a user alone, which is
 * often a token: `https://ghp_…@github.com`) and the values of query and fragment parameters whose names look
 * secret (`password`, `token`, `sig`, `api_key`, `X-Amz-Signature`, ...). Works on any text, so a URL quoted
 * inside an issue message, a JSON dump or a finding is masked as well as a bare value.
 */
import { isSecret, redactedText } from './secret.ts';

/** What a masked part is replaced by. */
export const maskText = '***';

// A URL runs from its scheme to the first character that cannot be part of it in running text or JSON.
const urlInText = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]*/gi;
// Parameter names compared lower-case with `-`/`_` removed: `X-Amz-Signature` → `xamzsignature`.
const secretName = /pass|pwd|secret|token|sig|key|auth|credential|session|cookie|jwt|bearer|otp|code|private/;
const hostPort = /^(?:\[[0-9a-f:.]*\]|[^:@[\]]*)(?::\d*)?$/i;

/** The text with the userinfo and secret-looking parameters of every URL in it replaced by `***`. */
export function maskUrlSecrets(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(urlInText, maskUrl);
}

/** Whether masking would change the text: it holds a URL with userinfo or a secret-looking parameter. */
export function hasUrlSecret(text: string): boolean {
  return maskUrlSecrets(text) !== text;
}

function maskUrl(url: string): string {
  const start = url.indexOf('://') + 3;
  const rest = maskUserinfo(url.slice(start));
  const query = rest.search(/[?#]/);
  if (query === -1) return url.slice(0, start) + rest;
  return url.slice(0, start) + rest.slice(0, query) + maskParameters(rest.slice(query));
}

/**
 * `rest` is the URL after `scheme://`. The authority ends at the first `/`, `?` or `#`, and its userinfo at the
 * last `@` in it. When what is left is not a host and port, a password with an unescaped `/`, `?` or `#` cut the
 * authority short (`postgres://u:pa/ss@db`, which drivers read anyway): then the userinfo ends at the last `@`
 * before the query. With no `@` at all, such an authority is a URL cut short inside its password (V8 shortens
 * the input it quotes in a `JSON.parse` error), and all of it is masked.
 */
function maskUserinfo(rest: string): string {
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf('@');
  if (at !== -1) return masked(authority.slice(0, at)) + rest.slice(at);
  if (hostPort.test(authority)) return rest;
  const beforeQuery = rest.search(/\?/);
  const loose = (beforeQuery === -1 ? rest : rest.slice(0, beforeQuery)).lastIndexOf('@');
  if (loose !== -1) return masked(rest.slice(0, loose)) + rest.slice(loose);
  return maskText + rest.slice(authority.length);
}

function masked(userinfo: string): string {
  return userinfo.includes(':') ? `${maskText}:${maskText}` : maskText;
}

/** `?a=1&token=x#sig=y`: each `name=value` whose name looks secret gets `name=***`. */
function maskParameters(text: string): string {
  return text.replace(/([?#&;])([^=&#;]*)=([^&#;]*)/g, (whole, separator: string, name: string, value: string) =>
    value !== '' && looksSecret(name) ? `${separator}${name}=${maskText}` : whole,
  );
}

function looksSecret(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name.replaceAll('+', ' '));
  } catch {
    // A malformed escape: judge the name as written.
  }
  return secretName.test(decoded.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/** A config value as display text: secrets `[redacted]`, URL secrets masked, structures as JSON. */
export function displayValue(value: unknown): string {
  if (isSecret(value)) return redactedText;
  if (value === undefined) return '';
  if (typeof value === 'string') return maskUrlSecrets(value);
  if (typeof value !== 'object' || value === null) return String(value);
  return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'string' ? maskUrlSecrets(inner) : inner));
}
