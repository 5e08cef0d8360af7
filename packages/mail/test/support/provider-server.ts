// A local node:http server that answers as each provider's documentation says (SendGrid v3 /v3/mail/send, SES v2
// SendEmail with a checked SigV4 signature, Postmark /email, Resend /emails with Idempotency-Key, Mailgun
// /v3/<domain>/messages multipart), with scripted 429 + Retry-After, 5xx, and a connection dropped after the
// request was read. It refuses requests that break the documented shape, so a transport that drifts fails here.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../../src/providers/sha256.ts';
import type { Received } from '../conformance.ts';
import { parseRaw } from './parse.ts';

export type Provider = 'sendgrid' | 'ses' | 'postmark' | 'resend' | 'mailgun';

export type ProviderScript =
  | { status: number; retryAfter?: string; body?: unknown }
  /** Reads the request, records the message as delivered, then drops the connection without answering. */
  | { drop: true };

export const keys = {
  sendgrid: 'SG.test-key',
  postmark: 'pm-server-token',
  resend: 're_test_key',
  mailgun: 'mg-key',
  ses: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
};
export const mailgunDomain = 'mg.example.com';
export const sesRegion = 'eu-west-1';

export interface ProviderServer {
  url: string;
  received: Record<Provider, Received[]>;
  /** Requests that reached each provider (accepted or not). */
  requests: Record<Provider, number>;
  script: Record<Provider, ProviderScript[]>;
  reset(): void;
  close(): Promise<void>;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

class Refused {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    this.status = status;
    this.body = body;
  }
}
const refuse = (status: number, body: unknown): never => {
  throw new Refused(status, body);
};
const need = (ok: unknown, status: number, body: unknown) => {
  if (!ok) refuse(status, body);
};

const sesSigner = new SignatureV4({ service: 'ses', region: sesRegion, credentials: keys.ses, sha256: Sha256 });

async function checkSigV4(req: IncomingMessage, body: string): Promise<void> {
  const authorization = req.headers.authorization ?? '';
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  need(authorization.startsWith(`AWS4-HMAC-SHA256 Credential=${keys.ses.accessKeyId}/`), 403, {
    message: 'missing SigV4',
  });
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const h of signedHeaders) headers[h] = String(req.headers[h] ?? '');
  const date = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const host = String(req.headers.host ?? '');
  const resigned = await sesSigner.sign(
    {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: host.split(':')[0] ?? '',
      path: req.url ?? '/',
      headers,
      ...(body === '' ? {} : { body }),
    },
    { signingDate: date },
  );
  need(resigned.headers.authorization === authorization, 403, { message: 'SignatureDoesNotMatch' });
}

export async function startProviderServer(): Promise<ProviderServer> {
  const empty = () => ({ sendgrid: [], ses: [], postmark: [], resend: [], mailgun: [] });
  const received: Record<Provider, Received[]> = empty();
  const script: Record<Provider, ProviderScript[]> = empty();
  const requests: Record<Provider, number> = { sendgrid: 0, ses: 0, postmark: 0, resend: 0, mailgun: 0 };
  const idempotent = new Map<string, { id: string }>();

  const routes: {
    provider: Provider;
    method: string;
    path: RegExp;
    handle(
      req: IncomingMessage,
      body: Buffer,
    ): Promise<{ status: number; body: unknown; headers?: Record<string, string>; message?: Received }>;
  }[] = [
    {
      provider: 'sendgrid',
      method: 'POST',
      path: /^\/v3\/mail\/send$/,
      async handle(req, raw) {
        need(req.headers.authorization === `Bearer ${keys.sendgrid}`, 401, {
          errors: [{ message: 'authorization required' }],
        });
        const b = JSON.parse(raw.toString());
        need(Array.isArray(b.personalizations) && b.personalizations.length > 0, 400, {
          errors: [{ message: 'personalizations required', field: 'personalizations' }],
        });
        need(typeof b.from?.email === 'string', 400, { errors: [{ message: 'from required', field: 'from.email' }] });
        need(Array.isArray(b.content) && b.content[0]?.type === 'text/plain', 400, {
          errors: [{ message: 'text/plain must be first', field: 'content' }],
        });
        const p = b.personalizations[0];
        const emails = (list?: { email: string }[]) => (list ?? []).map((e) => e.email);
        return {
          status: 202,
          body: undefined,
          headers: { 'x-message-id': randomUUID() },
          message: {
            envelopeTo: [...emails(p.to), ...emails(p.cc), ...emails(p.bcc)],
            subject: b.subject,
            text: b.content.find((c: { type: string }) => c.type === 'text/plain')?.value,
            html: b.content.find((c: { type: string }) => c.type === 'text/html')?.value,
            attachments: (b.attachments ?? []).map((a: { filename: string; content: string }) => ({
              filename: a.filename,
              content: Buffer.from(a.content, 'base64'),
            })),
            headerNames: undefined,
            headers: Object.fromEntries(Object.entries(b.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])),
          },
        };
      },
    },
    {
      provider: 'postmark',
      method: 'POST',
      path: /^\/email$/,
      async handle(req, raw) {
        need(req.headers['x-postmark-server-token'] === keys.postmark, 401, {
          ErrorCode: 10,
          Message: 'Bad or missing Server API token',
        });
        need(req.headers.accept === 'application/json', 406, {
          ErrorCode: 0,
          Message: 'Accept must be application/json',
        });
        const b = JSON.parse(raw.toString());
        need(typeof b.From === 'string' && typeof b.To === 'string', 422, {
          ErrorCode: 300,
          Message: 'Invalid email request',
        });
        const list = (s?: string) =>
          (s ?? '')
            .split(',')
            .map((x) => /<([^>]+)>/.exec(x)?.[1] ?? x.trim())
            .filter((x) => x !== '');
        return {
          status: 200,
          body: {
            To: b.To,
            SubmittedAt: new Date().toISOString(),
            MessageID: randomUUID(),
            ErrorCode: 0,
            Message: 'OK',
          },
          message: {
            envelopeTo: [...list(b.To), ...list(b.Cc), ...list(b.Bcc)],
            subject: b.Subject,
            text: b.TextBody,
            html: b.HtmlBody,
            attachments: (b.Attachments ?? []).map((a: { Name: string; Content: string }) => ({
              filename: a.Name,
              content: Buffer.from(a.Content, 'base64'),
            })),
            headerNames: undefined,
            headers: Object.fromEntries(
              (b.Headers ?? []).map((h: { Name: string; Value: string }) => [h.Name.toLowerCase(), h.Value]),
            ),
          },
        };
      },
    },
    {
      provider: 'resend',
      method: 'POST',
      path: /^\/emails$/,
      async handle(req, raw) {
        need(req.headers.authorization === `Bearer ${keys.resend}`, 401, {
          statusCode: 401,
          name: 'missing_api_key',
          message: 'Missing API key',
        });
        const b = JSON.parse(raw.toString());
        need(typeof b.from === 'string' && Array.isArray(b.to) && typeof b.subject === 'string', 422, {
          statusCode: 422,
          name: 'validation_error',
          message: 'Missing required field',
        });
        const key = req.headers['idempotency-key'];
        const seen = typeof key === 'string' ? idempotent.get(key) : undefined;
        if (seen !== undefined) return { status: 200, body: seen };
        const answer = { id: randomUUID() };
        if (typeof key === 'string') idempotent.set(key, answer);
        return {
          status: 200,
          body: answer,
          message: {
            envelopeTo: [...b.to, ...(b.cc ?? []), ...(b.bcc ?? [])],
            subject: b.subject,
            text: b.text,
            html: b.html,
            attachments: (b.attachments ?? []).map((a: { filename: string; content: string }) => ({
              filename: a.filename,
              content: Buffer.from(a.content, 'base64'),
            })),
            headerNames: undefined,
            headers: Object.fromEntries(Object.entries(b.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])),
          },
        };
      },
    },
    {
      provider: 'mailgun',
      method: 'POST',
      path: new RegExp(`^/v3/${mailgunDomain.replaceAll('.', '\\.')}/messages$`),
      async handle(req, raw) {
        need(
          req.headers.authorization === `Basic ${Buffer.from(`api:${keys.mailgun}`).toString('base64')}`,
          401,
          'Forbidden',
        );
        need(String(req.headers['content-type']).startsWith('multipart/form-data'), 400, {
          message: 'expected multipart/form-data',
        });
        const form = await new Request('http://x/', {
          method: 'POST',
          headers: { 'content-type': String(req.headers['content-type']) },
          body: raw,
        }).formData();
        need(form.get('from') !== null && form.getAll('to').length > 0, 400, {
          message: "'from' and 'to' are required",
        });
        const address = (v: unknown) => /<([^>]+)>/.exec(String(v))?.[1] ?? String(v);
        const headers: Record<string, string> = {};
        for (const [k, v] of form) if (k.startsWith('h:')) headers[k.slice(2).toLowerCase()] = String(v);
        const attachments = await Promise.all(
          [...form.getAll('attachment'), ...form.getAll('inline')].map(async (f) => ({
            filename: (f as File).name,
            content: Buffer.from(await (f as File).arrayBuffer()),
          })),
        );
        return {
          status: 200,
          body: { id: `<${randomUUID()}@${mailgunDomain}>`, message: 'Queued. Thank you.' },
          message: {
            envelopeTo: [...form.getAll('to'), ...form.getAll('cc'), ...form.getAll('bcc')].map(address),
            subject: String(form.get('subject')),
            text: form.get('text') === null ? undefined : String(form.get('text')),
            html: form.get('html') === null ? undefined : String(form.get('html')),
            attachments,
            headerNames: undefined,
            headers,
          },
        };
      },
    },
    {
      provider: 'ses',
      method: 'POST',
      path: /^\/v2\/email\/outbound-emails$/,
      async handle(req, raw) {
        await checkSigV4(req, raw.toString());
        const b = JSON.parse(raw.toString());
        need(typeof b.Content?.Raw?.Data === 'string' || b.Content?.Simple !== undefined, 400, {
          message: 'Content is required',
        });
        const to = b.Destination?.ToAddresses ?? [];
        const message = await parseRaw(Buffer.from(b.Content.Raw.Data, 'base64'), to);
        return { status: 200, body: { MessageId: randomUUID() }, message };
      },
    },
    // verify() pings
    {
      provider: 'sendgrid',
      method: 'GET',
      path: /^\/v3\/scopes$/,
      async handle(req) {
        need(req.headers.authorization === `Bearer ${keys.sendgrid}`, 401, {});
        return { status: 200, body: { scopes: ['mail.send'] } };
      },
    },
    {
      provider: 'postmark',
      method: 'GET',
      path: /^\/server$/,
      async handle(req) {
        need(req.headers['x-postmark-server-token'] === keys.postmark, 401, {});
        return { status: 200, body: { Name: 'test' } };
      },
    },
    {
      provider: 'resend',
      method: 'GET',
      path: /^\/domains$/,
      async handle(req) {
        need(req.headers.authorization === `Bearer ${keys.resend}`, 401, {});
        return { status: 200, body: { data: [] } };
      },
    },
    {
      provider: 'mailgun',
      method: 'GET',
      path: new RegExp(`^/v3/domains/${mailgunDomain.replaceAll('.', '\\.')}$`),
      async handle(req) {
        need(req.headers.authorization === `Basic ${Buffer.from(`api:${keys.mailgun}`).toString('base64')}`, 401, {});
        return { status: 200, body: { domain: { name: mailgunDomain } } };
      },
    },
    {
      provider: 'ses',
      method: 'GET',
      path: /^\/v2\/email\/account$/,
      async handle(req) {
        await checkSigV4(req, '');
        return { status: 200, body: { SendingEnabled: true } };
      },
    },
  ];

  const server = createServer(async (req, res) => {
    const route = routes.find((r) => r.method === req.method && r.path.test((req.url ?? '').split('?')[0] ?? ''));
    const raw = await readAll(req);
    if (route === undefined) return json(res, 404, { message: 'not found' });
    if (route.method === 'POST') requests[route.provider]++;
    const step = route.method === 'POST' ? script[route.provider].shift() : undefined;
    try {
      if (step !== undefined && 'status' in step) {
        return json(
          res,
          step.status,
          step.body ?? { message: `scripted ${step.status}` },
          step.retryAfter === undefined ? {} : { 'retry-after': step.retryAfter },
        );
      }
      const answer = await route.handle(req, raw);
      if (answer.message !== undefined) received[route.provider].push(answer.message);
      if (step !== undefined && 'drop' in step) {
        req.socket.destroy();
        return;
      }
      json(res, answer.status, answer.body, answer.headers);
    } catch (error) {
      if (error instanceof Refused) return json(res, error.status, error.body);
      json(res, 500, { message: String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    requests,
    script,
    reset() {
      for (const p of Object.keys(received) as Provider[]) {
        received[p].length = 0;
        script[p].length = 0;
        requests[p] = 0;
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
