import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  checkProduction,
  EnvError,
  type EnvParsedEvent,
  envChannels,
  parseEnv,
  port,
  requiredIn,
  secret,
  url,
} from '../src/index.ts';

/** The messages `channel` carries while `fn` runs. */
function captured(channel: string, fn: () => void): unknown[] {
  const messages: unknown[] = [];
  const listener = (message: unknown) => messages.push(message);
  subscribe(channel, listener);
  try {
    fn();
  } finally {
    unsubscribe(channel, listener);
  }
  return messages;
}

const schema = {
  PORT: port().default(3000),
  DATABASE_URL: url(),
  API_KEY: secret(z.string().min(32)),
  REDIS_URL: requiredIn('production', url().optional()),
  MISSING: z.string(),
};
const values = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app:hunter2-db-password@db/app',
  API_KEY: 'sk_live_short_but_secret',
};

describe('envChannels', () => {
  it('are named infra:env:<event> by the kernel', () => {
    expect([envChannels.parsed.name, envChannels['production-checked'].name]).toEqual([
      'infra:env:parsed',
      'infra:env:production-checked',
    ]);
  });

  it('parsed: counts, sources and issue codes on failure', () => {
    const messages = captured('infra:env:parsed', () => {
      expect(() => parseEnv(schema, values)).toThrow(EnvError);
    });
    expect(messages).toEqual([
      {
        ok: false,
        variables: 5,
        defaulted: 1,
        secrets: 1,
        missing: 2,
        invalid: 1,
        sources: ['env'],
        issues: [
          { key: 'API_KEY', kind: 'invalid', code: 'rejected' },
          { key: 'REDIS_URL', kind: 'missing', code: 'required-in-environment' },
          { key: 'MISSING', kind: 'missing', code: 'required' },
        ],
      } satisfies EnvParsedEvent,
    ]);
  });

  it('parsed: never a value, a validator message or a secret', () => {
    const messages = captured('infra:env:parsed', () => {
      parseEnv(
        { PORT: port(), TOKEN: secret(), URL: url() },
        { PORT: '8080', TOKEN: 'tok-0123456789', URL: 'https://h/x' },
      );
      expect(() => parseEnv({ PORT: port(), URL: url() }, { PORT: '8080abc', URL: 'not a url' })).toThrow(EnvError);
    });
    const text = JSON.stringify(messages);
    for (const shown of ['8080', 'tok-0123456789', 'https://h/x', 'not a url', 'expected']) {
      expect(text).not.toContain(shown);
    }
    expect(messages).toHaveLength(2);
  });

  it('parsed: a schema that throws or is async has its own code', () => {
    const messages = captured('infra:env:parsed', () => {
      const failing = {
        THROWS: z.string().transform((text) => JSON.parse(text) as unknown),
        ASYNC: z.string().refine(async () => true),
      };
      expect(() => parseEnv(failing, { THROWS: 'x', ASYNC: 'y' })).toThrow(EnvError);
    });
    expect((messages[0] as EnvParsedEvent).issues.map((issue) => issue.code)).toEqual(['schema-threw', 'schema-async']);
  });

  it('production-checked: the score and each finding without its message', () => {
    const messages = captured('infra:env:production-checked', () => {
      checkProduction(parseEnv({ API: url() }, { API: 'http://localhost:3000' }, { nodeEnv: 'production' }));
    });
    expect(messages).toEqual([{ score: 90, findings: [{ key: 'API', severity: 'warning' }] }]);
  });
});
