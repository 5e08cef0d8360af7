/** Issue 11, defect 11: the example's logger keeps an error's message, stack, code and cause. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';

function capture(): { lines: () => Record<string, unknown>[]; destination: Writable } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    destination,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('the example logger', () => {
  for (const key of ['err', 'error']) {
    it(`writes the message, stack, code and cause of an error logged as ${key}`, () => {
      const out = capture();
      const logger = createLogger({ destination: out.destination });
      const error = Object.assign(new Error('Redis said no', { cause: new Error('ECONNREFUSED') }), {
        code: 'ERR_CACHE_L2',
      });
      logger.warn({ [key]: error }, 'cache: Redis unavailable');
      const [line] = out.lines();
      expect(line).toMatchObject({ level: 'warn', msg: 'cache: Redis unavailable' });
      const logged = line?.[key] as { message: string; stack: string; code: string };
      expect(logged.message).toContain('Redis said no');
      expect(logged.stack).toMatch(/^Error: Redis said no\n\s+at /);
      expect(logged.stack).toContain('ECONNREFUSED');
      expect(logged.code).toBe('ERR_CACHE_L2');
    });
  }
});
