// Run in a child process by attachment-memory.integration.test.ts: sends one message with a large file attached
// over SMTP and prints how far resident memory rose above where it started, sampled while sending.
import { createMailer } from '../../src/index.ts';
import { smtpTransport } from '../../src/smtp/index.ts';

const [port, file] = process.argv.slice(2);
const transport = smtpTransport({
  host: '127.0.0.1',
  port: Number(port),
  pool: false,
  tls: { rejectUnauthorized: false },
});
const mailer = createMailer({ transport, from: 'app@example.com' });

global.gc?.();
const start = process.memoryUsage().rss;
let peak = start;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 2);
const result = await mailer.send({
  to: 'ann@example.com',
  subject: 'big',
  text: 'attached',
  attachments: [{ filename: 'big.bin', path: file as string }],
});
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
await mailer.close();
process.stdout.write(JSON.stringify({ growth: peak - start, accepted: result.accepted }));
