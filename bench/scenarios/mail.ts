/**
 * @infra/mail against its peers, in one run on the same data:
 *
 * - Pooled SMTP messages/s: `mailer.send` over `smtpTransport` vs raw nodemailer `sendMail`, both pooled with the
 *   same settings (5 connections, 100 messages each), 20 sends in flight, to the same in-process smtp-server
 *   (no TLS, no AUTH, messages read and dropped), so the figure is the client side's cost per message.
 * - Template render ops/s: a `defineTemplate` (zod schema, `{{ }}` subject, `html` tag body, text made from the
 *   template) vs a hand-written function doing the same work (zod parse, template literals, hand escaping); and
 *   against the hand-written function without validation, the floor.
 */
import type { AddressInfo } from 'node:net';
import { createMailer, defineTemplate, escapeHtml, html } from '@infra/mail';
import { smtpTransport } from '@infra/mail/smtp';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { z } from 'zod';
import { defineScenario } from '../src/scenario.ts';

async function startServer(): Promise<{ port: number; received(): number; close(): Promise<void> }> {
  let count = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        count++;
        callback(null, 'Queued');
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const message = {
  from: 'App <app@example.com>',
  to: 'Ann Lee <ann@example.com>',
  subject: 'Your receipt',
  text: 'Thank you for your order. Total: 42.00 EUR.',
  html: '<p>Thank you for your order.</p><p>Total: <b>42.00 EUR</b></p>',
};

const schema = z.object({
  name: z.string(),
  url: z.url(),
  items: z.array(z.object({ title: z.string(), price: z.number() })),
});
type Data = z.infer<typeof schema>;
const receipt = defineTemplate({
  name: 'receipt',
  data: schema,
  subject: 'Your receipt, {{name}}',
  html: (d) =>
    html`<h1>Hello ${d.name}</h1><ul>${d.items.map((i) => html`<li>${i.title}: ${i.price.toFixed(2)}</li>`)}</ul><a href="${d.url}">View</a>`,
  text: (d) =>
    `Hello ${d.name}\n${d.items.map((i) => `- ${i.title}: ${i.price.toFixed(2)}`).join('\n')}\nView: ${d.url}`,
});
const handWritten = (d: Data) => ({
  subject: `Your receipt, ${d.name}`,
  html: `<h1>Hello ${escapeHtml(d.name)}</h1><ul>${d.items.map((i) => `<li>${escapeHtml(i.title)}: ${i.price.toFixed(2)}</li>`).join('')}</ul><a href="${escapeHtml(d.url)}">View</a>`,
  text: `Hello ${d.name}\n${d.items.map((i) => `- ${i.title}: ${i.price.toFixed(2)}`).join('\n')}\nView: ${d.url}`,
});
const data: Data = {
  name: 'Ann <Lee>',
  url: 'https://shop.example/orders/42?x=1&y=2',
  items: [
    { title: 'Book "One"', price: 12 },
    { title: 'Pen & ink', price: 3.5 },
    { title: 'Lamp', price: 26.5 },
  ],
};

export default defineScenario({
  name: 'mail',
  ours: '@infra/mail',
  peer: 'nodemailer (raw, pooled) / hand-written template',
  description: 'pooled SMTP messages/s to the same smtp-server; template render ops/s',
  async run(bench) {
    const server = await startServer();
    const pool = { maxConnections: 5, maxMessages: 100 };
    const mailer = createMailer({
      transport: smtpTransport({ host: '127.0.0.1', port: server.port, pool }),
      retry: false,
    });
    const raw = createTransport({ host: '127.0.0.1', port: server.port, pool: true, ...pool, ignoreTLS: true });
    try {
      await bench
        .against('nodemailer sendMail (pooled, same pool settings)')
        .compare(
          'SMTP send, pooled, 20 in flight',
          { ours: () => mailer.send(message), peer: () => raw.sendMail(message) },
          { concurrency: 20, roundMs: 1500 },
        );
    } finally {
      await mailer.close();
      raw.close();
      await server.close();
    }

    await bench.against('hand-written function + zod parse').compare(
      'template render (validated)',
      {
        ours: () => receipt.render(data),
        peer: async () => handWritten(schema.parse(data)),
      },
      { roundMs: 600 },
    );
    await bench.against('hand-written function, no validation (floor)').compare(
      'template render',
      {
        ours: () => receipt.render(data),
        peer: async () => handWritten(data),
      },
      { roundMs: 600 },
    );
  },
});
