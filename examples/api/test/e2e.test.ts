/**
 * End to end on the embedded defaults: the real service in a child process (`node src/main.ts`) with no
 * external service at all: memory stores, local disk for uploads, mail as .eml files, tasks in-process.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startService } from './support/child.ts';
import { journey, newEmail } from './support/flow.ts';
import { fileMailbox } from './support/mailboxes.ts';

describe('examples/api end to end, embedded defaults (child process)', () => {
  it('register → 2FA → login → parallel refresh → upload → signed download → mail → logout; admin and non-admin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'example-api-e2e-'));
    const admin = newEmail('admin');
    const service = await startService({
      ADMIN_EMAILS: admin,
      DATA_DIR: join(dir, 'data'),
      MAIL_DIR: join(dir, 'mail'),
    });
    const read = await journey(service.url, fileMailbox(join(dir, 'mail')), admin);
    expect(read.services).toMatchObject({
      redis: { configured: false },
      postgres: { configured: false },
      storage: { backend: 'local' },
      mail: { transport: 'file' },
      scheduler: { mode: 'embedded', coordinator: 'memory' },
    });
    // One JSON line per request, with its id, and no token in the log.
    const lines = service
      .output()
      .split('\n')
      .filter((l) => l.includes('"msg":"request"'));
    expect(lines.length).toBeGreaterThan(20);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ reqId: expect.any(String), route: expect.any(String) });
    expect(service.output()).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT anywhere
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });
});
