import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = pathToFileURL(join(import.meta.dirname, '../src/index.ts')).href;

describe('close()', () => {
  it('lets the process exit, even with a factory and an L2 call still pending', () => {
    // A child process that would hang for a minute if the cache kept a timer referenced.
    const script = `
      import { createCache } from ${JSON.stringify(entry)};
      const hang = () => new Promise(() => {});
      const miss = async (keys) => keys.map(() => undefined);
      const l2 = { kind: 'hanging', getMany: miss, setMany: hang, delete: hang, bump: hang, acquireLease: hang, releaseLease: hang };
      const cache = createCache({ l2, timeouts: { hard: 60000, l2: 60000 } });
      cache.getOrSet('k', hang).catch(() => {}); // waits on its hard timeout
      cache.getOrSet('d', hang, { distributed: true }).catch(() => {}); // waits on the lease
      cache.set('x', 1).catch(() => {});
      setImmediate(() => cache.close().then(() => console.log('closed')));
    `;
    // Past spawnSync's timeout the child is killed: status null, the outcome this test rules out.
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 20_000,
      encoding: 'utf8',
    });
    expect({ status: child.status, stdout: child.stdout, stderr: child.stderr }).toEqual({
      status: 0,
      stdout: 'closed\n',
      stderr: '',
    });
  });
});
