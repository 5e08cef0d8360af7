/**
 * End to end on real backends: the service in a child process with PostgreSQL (users, tokens, sessions, 2FA,
 * scheduler; migrations at start, in this file's schema), Redis (cache, rate limits, bus, revocation, login
 * throttle), radosgw (S3 uploads) and a real SMTP server in-process (mail).
 */
import { postgres, redis, uniqueName } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { startService } from './support/child.ts';
import { journey, newEmail } from './support/flow.ts';
import { smtpMailbox } from './support/mailboxes.ts';
import { s3Env } from './support/s3.ts';

const pg = await postgres({ tag: 'example_api_e2e' });
const r = await redis({ tag: 'example_api_e2e' });

describe('examples/api end to end on PostgreSQL, Redis, S3 and SMTP (child process)', () => {
  it('register → 2FA → login → parallel refresh → upload → signed download → mail → logout; admin and non-admin', async () => {
    const smtp = await smtpMailbox();
    const admin = newEmail('admin');
    const service = await startService({
      ADMIN_EMAILS: admin,
      DATABASE_URL: pg.url,
      DATABASE_SCHEMA: pg.schema,
      REDIS_URL: r.url,
      REDIS_PREFIX: r.prefix,
      SMTP_URL: smtp.url,
      AUTH_KEK: 'an e2e key-encryption key of at least 32 characters',
      ...s3Env(),
      S3_BUCKET: uniqueName('e2e').replaceAll('_', '-').toLowerCase(),
    });
    try {
      const read = await journey(service.url, smtp, admin);
      expect(read.services).toMatchObject({
        redis: { configured: true, answering: true },
        postgres: { configured: true, answering: true },
        auth: { users: 'postgres', tokens: 'postgres', revocation: 'redis', throttle: 'redis' },
        storage: { backend: 's3', answering: true },
        mail: { transport: 'smtp', answering: true },
        scheduler: { mode: 'worker', coordinator: 'postgres' },
      });
      // The example's tables and the packages' tables are in this file's schema.
      const { rows } = await pg.client.query<{ n: string }>('SELECT count(*) AS n FROM example_users');
      expect(Number(rows[0]?.n)).toBe(2);
      expect(await r.client.keys(`${r.prefix}*`)).not.toEqual([]);
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
    } finally {
      await smtp.close();
    }
  });
});
