// A 25 MB attachment is streamed from disk to a real SMTP server: the sending process' resident memory grows by
// less than 64 MB (measured in a child process, so the test runner's own memory does not count).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { startSmtpServer } from './support/smtp-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'mail-big-'));
const server = await startSmtpServer({ discard: true });
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

it('streams a 25 MB attachment with resident memory growth under 64 MB', async () => {
  const file = join(dir, 'big.bin');
  // Random bytes: nothing compresses or deduplicates on the way.
  writeFileSync(file, randomBytes(25 * 1024 * 1024));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', join(import.meta.dirname, 'support/big-send.ts'), String(server.port), file],
    { timeout: 60_000 },
  );
  const { growth, accepted } = JSON.parse(stdout) as { growth: number; accepted: string[] };
  expect(accepted).toEqual(['ann@example.com']);
  expect(server.bytes()).toBeGreaterThan(25 * 1024 * 1024 * (4 / 3));
  expect(growth).toBeLessThan(64 * 1024 * 1024);
}, 60_000);
