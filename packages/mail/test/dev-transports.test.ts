// The dev transports pass the conformance suite: memory (its list), file (.eml files read back by a mail parser),
// log (what reached the logger, never the body).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createMailer,
  fileTransport,
  type Logger,
  logTransport,
  memoryTransport,
  type OutgoingMessage,
} from '../src/index.ts';
import { type Received, transportConformance } from './conformance.ts';
import { parseRaw } from './support/parse.ts';

async function fromOutgoing(message: OutgoingMessage): Promise<Received> {
  const attachments: Received['attachments'] = [];
  for (const attachment of message.attachments) {
    const chunks: Buffer[] = [];
    for await (const chunk of attachment.open()) chunks.push(Buffer.from(chunk));
    attachments.push({ filename: attachment.filename, content: Buffer.concat(chunks) });
  }
  return {
    envelopeTo: [...message.envelope.to],
    subject: message.subject,
    text: message.text,
    html: message.html,
    attachments,
    headerNames: undefined,
    headers: Object.fromEntries(message.headers.map(([name, value]) => [name.toLowerCase(), value])),
  };
}

const memory = memoryTransport();
transportConformance('memory', () => ({
  transport: memory,
  received: async () => Promise.all(memory.messages.map(fromOutgoing)),
  reset: async () => memory.clear(),
}));

const dir = mkdtempSync(join(tmpdir(), 'mail-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
transportConformance(
  'file',
  () => ({
    transport: fileTransport({ dir }),
    received: async () =>
      Promise.all(
        readdirSync(dir)
          .filter((f) => f.endsWith('.eml'))
          .map(async (f) => {
            const raw = readFileSync(join(dir, f));
            const parsed = await parseRaw(raw, []);
            // An .eml has no envelope: the recipients are what its headers name (bcc is in no header by design).
            const to = /^To: (.*)$/m.exec(raw.toString())?.[1] ?? '';
            const envelopeTo = [...to.matchAll(/[\w.+-]+@[\w.-]+/g)].map((m) => m[0]);
            return { ...parsed, envelopeTo };
          }),
      ),
    reset: async () => {
      for (const f of readdirSync(dir)) rmSync(join(dir, f));
    },
  }),
  { envelope: false },
);

const lines: { obj: Record<string, unknown>; msg: string | undefined }[] = [];
const logger: Logger = {
  debug: () => {},
  info: (obj, msg) => lines.push({ obj: obj as Record<string, unknown>, msg }),
  warn: () => {},
  error: () => {},
};
transportConformance(
  'log',
  () => ({
    transport: logTransport({ logger }),
    received: async () =>
      lines.map(({ obj }) => ({
        envelopeTo: obj.to as string[],
        subject: obj.subject as string,
        text: undefined,
        html: undefined,
        attachments: [],
        headerNames: undefined,
        headers: {},
      })),
    reset: async () => {
      lines.length = 0;
    },
  }),
  { content: false },
);

describe('logTransport', () => {
  it('never logs the body unless asked (bodies carry one-time codes)', async () => {
    lines.length = 0;
    const mailer = createMailer({ transport: logTransport({ logger }), from: 'app@example.com' });
    await mailer.send({ to: 'ann@example.com', subject: 'Your code', text: 'code 482913' });
    expect(JSON.stringify(lines)).not.toContain('482913');
  });
});

describe('memoryTransport assertions', () => {
  it('expectSent throws an AssertionError naming the match when nothing matches', async () => {
    const transport = memoryTransport();
    const mailer = createMailer({ transport, from: 'app@example.com' });
    await mailer.send({ to: 'ann@example.com', subject: 'Welcome', text: 'hi' });
    expect(transport.expectSent({ to: 'ANN@example.com', subject: /Welc/ })).toHaveLength(1);
    expect(() => transport.expectSent({ to: 'bob@example.com' })).toThrow(/found 0 of 1 sent/);
  });
});
