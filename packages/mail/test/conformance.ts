// The transport conformance suite: every transport (dev, SMTP, each HTTP provider) runs it against what really
// arrived on the other side: the in-memory list, the .eml files, a real SMTP server, a provider's HTTP shapes.
import { describe, expect, it } from 'vitest';
import { directContext, MailError, type MailMessage, type Transport } from '../src/index.ts';
import { prepareMessage } from '../src/message.ts';

/** A message as it arrived, in the form every harness reports. */
export interface Received {
  envelopeTo: string[];
  subject: string;
  text: string | undefined;
  html: string | undefined;
  attachments: { filename: string; content: Buffer }[];
  /** Header names (lower-case) the receiving side saw, where it sees headers; undefined where it cannot. */
  headerNames: string[] | undefined;
  /** Custom headers by lower-case name, where the receiving side sees them. */
  headers: Record<string, string>;
}

export interface ConformanceHarness {
  transport: Transport;
  /** Messages received so far. */
  received(): Promise<Received[]>;
  /** Forgets what was received (between tests). */
  reset(): Promise<void>;
}

export interface ConformanceOptions {
  /** Whether the receiving side sees the body and attachments (not the log transport). @default true */
  content?: boolean;
  /** Whether the receiving side sees the envelope (not an .eml file, whose recipients are its headers). @default true */
  envelope?: boolean;
}

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

export function transportConformance(
  name: string,
  setup: () => Promise<ConformanceHarness> | ConformanceHarness,
  options: ConformanceOptions = {},
): void {
  const content = options.content ?? true;
  const envelope = options.envelope ?? true;
  const send = async (harness: ConformanceHarness, message: MailMessage) =>
    harness.transport.send(prepareMessage(message, { now: Date.now() }), directContext());

  describe(`transport conformance: ${name}`, () => {
    it('delivers a plain-text message and answers with an id and the accepted recipients', async () => {
      const harness = await setup();
      await harness.reset();
      const result = await send(harness, {
        from: 'App <app@example.com>',
        to: ['Ann <ann@example.com>', 'bob@example.com'],
        subject: 'Plain',
        text: 'Hello there',
      });
      expect(result.messageId).not.toBe('');
      expect([...result.accepted].sort()).toEqual(['ann@example.com', 'bob@example.com']);
      const received = await harness.received();
      expect(received).toHaveLength(1);
      expect(received[0]?.subject).toBe('Plain');
      expect([...(received[0]?.envelopeTo ?? [])].sort()).toEqual(['ann@example.com', 'bob@example.com']);
      if (content) expect(received[0]?.text?.trim()).toBe('Hello there');
    });

    it('delivers HTML with its text part, a custom header and an attachment, byte for byte', async () => {
      const harness = await setup();
      await harness.reset();
      await send(harness, {
        from: 'app@example.com',
        to: 'ann@example.com',
        subject: 'Rich – ünïcode',
        html: '<p>Hi <b>Ann</b></p>',
        headers: { 'X-Campaign': 'spring' },
        attachments: [{ filename: 'logo.png', content: png, contentType: 'image/png' }],
      });
      const [message] = await harness.received();
      expect(message?.subject).toBe('Rich – ünïcode');
      if (!content) return;
      expect(message?.html).toContain('<b>Ann</b>');
      expect(message?.text?.trim()).toBe('Hi Ann');
      expect(message?.headers['x-campaign']).toBe('spring');
      expect(message?.attachments.map((a) => [a.filename, a.content.toString('hex')])).toEqual([
        ['logo.png', png.toString('hex')],
      ]);
    });

    it('delivers to bcc recipients without naming them in the headers', async () => {
      const harness = await setup();
      await harness.reset();
      await send(harness, {
        from: 'app@example.com',
        to: 'ann@example.com',
        bcc: 'eve@example.com',
        subject: 'Bcc',
        text: 'x',
      });
      const received = await harness.received();
      expect(received).toHaveLength(1);
      if (envelope) expect(received[0]?.envelopeTo).toContain('eve@example.com');
      if (received[0]?.headerNames !== undefined) expect(received[0].headerNames).not.toContain('bcc');
    });

    it('streams an attachment given as a stream factory', async () => {
      const harness = await setup();
      await harness.reset();
      const chunk = Buffer.alloc(64 * 1024, 7);
      await send(harness, {
        from: 'app@example.com',
        to: 'ann@example.com',
        subject: 'Stream',
        text: 'see attached',
        attachments: [
          {
            filename: 'data.bin',
            stream: async function* () {
              for (let i = 0; i < 4; i++) yield chunk;
            },
          },
        ],
      });
      const [message] = await harness.received();
      expect(message?.subject).toBe('Stream');
      if (content) expect(message?.attachments[0]?.content.length).toBe(4 * chunk.length);
    });

    it('does not send when the signal is already aborted', async () => {
      const harness = await setup();
      await harness.reset();
      const controller = new AbortController();
      controller.abort(new MailError('ERR_MAIL_CLOSED', 'closed'));
      const message = prepareMessage(
        { from: 'app@example.com', to: 'ann@example.com', subject: 'No', text: 'x' },
        { now: 0 },
      );
      await expect(
        harness.transport.send(message, { ...directContext(), signal: controller.signal }),
      ).rejects.toBeDefined();
      expect(await harness.received()).toHaveLength(0);
    });

    it('verifies', async () => {
      const harness = await setup();
      await expect(harness.transport.verify()).resolves.toBeUndefined();
    });
  });
}
