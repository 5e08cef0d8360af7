/** Runs the example app in-process on an ephemeral port, with the services a config gives. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@infra/testkit';
import type { Auth } from '../src/auth.ts';
import { type Catalog, createCatalog } from '../src/catalog.ts';
import { type Composed, composeService } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import type { Logger } from '../src/logger.ts';
import { listen } from '../src/server.ts';
import type { Services } from '../src/services.ts';

export interface TestApp {
  url: string;
  services: Services;
  auth: Auth;
  mail: Composed['mail'];
  uploads: Composed['uploads'];
  catalog: Catalog;
  close(): Promise<void>;
}

const emptyDir = mkdtempSync(join(tmpdir(), 'example-api-'));

export async function startApp(
  env: Record<string, string> = {},
  options: { catalog?: Catalog; redisPrefix?: string; logger?: Logger } = {},
): Promise<TestApp> {
  // A known port before listening: signed download URLs name it.
  const port = await freePort();
  const config = loadConfig(
    { NODE_ENV: 'test', HOST: '127.0.0.1', DATA_DIR: join(emptyDir, 'data'), ...env, PORT: String(port) },
    emptyDir,
  );
  const info = { name: '@infra/example-api', version: '0.0.0' };
  const catalog = options.catalog ?? createCatalog({ latencyMs: 5 });
  const composed = await composeService(config, info, {
    catalog,
    ...(options.redisPrefix ? { redisPrefix: options.redisPrefix } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const { services } = composed;
  const running = await listen(composed.handler, { port, host: '127.0.0.1' });
  return {
    url: running.url,
    services,
    auth: composed.auth,
    mail: composed.mail,
    uploads: composed.uploads,
    catalog,
    async close() {
      running.server.closeAllConnections();
      await new Promise((resolve) => running.server.close(resolve));
      for (const closer of [...services.closers].reverse()) await closer.close();
    },
  };
}
