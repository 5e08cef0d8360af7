/**
 * The example service: `pnpm start` (PORT, default 3000). Needs no external service.
 * SIGTERM / SIGINT: stop accepting, finish in-flight requests, exit 0.
 */
import { readFileSync } from 'node:fs';
import { startServer } from './server.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a whole number from 0 to 65535, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

const running = await startServer({ port, info: { name: pkg.name, version: pkg.version } });
console.log(`listening on ${running.url}`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1); // a second signal: stop waiting
    stopping = true;
    console.log(`${signal}: shutting down`);
    running.close().then(
      () => {
        console.log('closed');
        process.exitCode = 0;
      },
      (error: unknown) => {
        console.error('shutdown failed', error);
        process.exitCode = 1;
      },
    );
  });
}
