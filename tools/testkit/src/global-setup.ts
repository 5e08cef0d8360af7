/**
 * vitest globalSetup of every `*:integration` project: finds Redis, a Redis Cluster and PostgreSQL once per run,
 * prints where they are and their versions, and hands their URLs to the test files (`inject`).
 *
 * Under CI=true a service that cannot be found fails the whole run here, within seconds, with a
 * message that says how to provide it. Elsewhere the run goes on and each test file that asks for
 * the missing service fails with that same message (files that need neither still run).
 */
import type { TestProject } from 'vitest/node';
import { type FoundService, findService, redact } from './discover.ts';
import { type ServiceName, serviceNames } from './errors.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    'infra:services': Record<ServiceName, { url: string; version: string } | { error: string }>;
  }
}

type Shared = { found: Promise<PromiseSettledResult<FoundService>[]>; users: number };
const key = Symbol.for('@infra/testkit:services');
const state = globalThis as typeof globalThis & { [key]?: Shared };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Several integration projects share one run (and one process): find the services once.
  let shared = state[key];
  if (!shared) {
    shared = { found: Promise.allSettled(serviceNames.map((name) => findService(name))), users: 0 };
    state[key] = shared;
    const results = await shared.found;
    for (const result of results) {
      if (result.status === 'fulfilled') {
        const { service, url, version, source } = result.value;
        console.log(`[testkit] ${service} ${version} at ${redact(url)} (from ${source})`);
      } else {
        console.error(`[testkit] ${(result.reason as Error).message}`);
      }
    }
  }
  shared.users++;
  const results = await shared.found;
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0 && process.env.CI === 'true') {
    await stopAll(results);
    throw new Error(failures.map((f) => (f.reason as Error).message).join('\n'));
  }
  const services = {} as Record<ServiceName, { url: string; version: string } | { error: string }>;
  results.forEach((result, index) => {
    const name = serviceNames[index] as ServiceName;
    services[name] =
      result.status === 'fulfilled'
        ? { url: result.value.url, version: result.value.version }
        : { error: (result.reason as Error).message };
  });
  project.provide('infra:services', services);

  return async () => {
    if (!shared || --shared.users > 0) return;
    delete state[key];
    await stopAll(results);
  };
}

async function stopAll(results: PromiseSettledResult<FoundService>[]): Promise<void> {
  await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
}
