/** Runs the example app in-process on an ephemeral port, with the services a config gives. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.ts';
import { type Catalog, createCatalog } from '../src/catalog.ts';
import { loadConfig } from '../src/config.ts';
import type { Logger } from '../src/logger.ts';
import { listen } from '../src/server.ts';
import { createServices, type Services } from '../src/services.ts';

export interface TestApp {
  url: string;
  services: Services;
  catalog: Catalog;
  close(): Promise<void>;
}

const emptyDir = mkdtempSync(join(tmpdir(), 'example-api-'));

export async function startApp(
  env: Record<string, string> = {},
  options: { catalog?: Catalog; redisPrefix?: string; logger?: Logger } = {},
): Promise<TestApp> {
  const config = loadConfig({ NODE_ENV: 'test', ...env }, emptyDir);
  const info = { name: '@infra/example-api', version: '0.0.0' };
  const services = await createServices(config, info, {
    ...(options.redisPrefix ? { redisPrefix: options.redisPrefix } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const catalog = options.catalog ?? createCatalog({ latencyMs: 5 });
  const running = await listen(createApp({ info, services, catalog }), { port: 0, host: '127.0.0.1' });
  return {
    url: running.url,
    services,
    catalog,
    async close() {
      running.server.closeAllConnections();
      await new Promise((resolve) => running.server.close(resolve));
      for (const closer of [...services.closers].reverse()) await closer.close();
    },
  };
}
