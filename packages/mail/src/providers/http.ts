// What every HTTP provider transport shares: one request over `fetch`, and one reading of the answer. 2xx is
// delivered; 429 and 5xx are transient (with Retry-After); other 4xx are permanent. A fetch that fails before the
// connection was made is transient; one that fails later may have reached the provider and is an unknown outcome.
import { networkCode } from '../classify.ts';
import { MailError } from '../errors.ts';
import type { OutgoingAttachment, OutgoingMessage } from '../message.ts';
import { parseRetryAfter } from '../retry.ts';

/** Options every HTTP provider transport takes. */
export interface ProviderOptions {
  /** The API's base URL (a regional endpoint, a proxy, a local test server). */
  baseUrl?: string;
  /** How the transport is named in results and rate-limit keys. @default the provider's name */
  name?: string;
}

/** A provider's answer, read. */
export interface ProviderResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The provider's own words for a failure, for the error message (never the request, which holds the key). */
function describeFailure(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  if (body !== null && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const errors = b.errors;
    if (Array.isArray(errors)) return errors.map((e) => (e as { message?: unknown }).message).join('; ');
    for (const field of ['message', 'Message', 'error']) if (typeof b[field] === 'string') return b[field] as string;
  }
  return '';
}

/** Sends one request and turns the answer into a result or a classified `MailError`. */
export async function request(
  transport: string,
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: string | FormData; signal: AbortSignal },
): Promise<ProviderResponse> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'POST',
      headers: init.headers,
      body: init.body ?? null,
      signal: init.signal,
    });
  } catch (error) {
    if (init.signal.aborted) throw init.signal.reason;
    const code = networkCode(error);
    const message = (error as Error).message;
    throw new MailError(
      code === undefined ? 'ERR_MAIL_UNKNOWN_OUTCOME' : 'ERR_MAIL_TRANSIENT',
      code === undefined
        ? `${transport}: the request failed after it may have reached the provider (${message})`
        : `${transport}: could not connect (${code})`,
      { transport, cause: error },
    );
  }
  const body = await readBody(response).catch(() => undefined);
  if (response.ok) return { status: response.status, headers: response.headers, body };
  const status = response.status;
  const detail = describeFailure(body);
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
  // 409 is Resend's "a request with this idempotency key is in progress": it settles shortly.
  const transient = status === 429 || status === 409 || status >= 500;
  throw new MailError(
    transient ? 'ERR_MAIL_TRANSIENT' : 'ERR_MAIL_REJECTED',
    `${transport}: HTTP ${status}${detail === '' ? '' : `: ${detail}`}`,
    { transport, responseCode: status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
  );
}

/** An attachment's bytes, whole: the JSON APIs take attachments as base64 inside the request. */
export async function attachmentBytes(attachment: OutgoingAttachment): Promise<Buffer> {
  if (attachment.content !== undefined) return Buffer.from(attachment.content);
  const chunks: Uint8Array[] = [];
  for await (const chunk of attachment.open()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** `Name <address>` as the providers that take one string per mailbox want it. */
export function mailboxString(mailbox: { name?: string; address: string }): string {
  return mailbox.name === undefined
    ? mailbox.address
    : `"${mailbox.name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}" <${mailbox.address}>`;
}

/** Envelope recipients that are in no header: the bcc of the message as the providers take them. */
export function recipients(message: OutgoingMessage): { to: string[]; cc: string[]; bcc: string[] } {
  const inHeaders = new Set([...message.to, ...message.cc].map((m) => m.address.toLowerCase()));
  return {
    to: message.to.map((m) => m.address),
    cc: message.cc.map((m) => m.address),
    bcc: message.envelope.to.filter((address) => !inHeaders.has(address.toLowerCase())),
  };
}

/** The base URL without a trailing slash. */
export function base(url: string | undefined, fallback: string): string {
  return (url ?? fallback).replace(/\/+$/, '');
}
