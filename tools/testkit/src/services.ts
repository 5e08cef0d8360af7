import { inject } from 'vitest';
import { type ServiceName, ServiceUnavailableError } from './errors.ts';

/** The URL globalSetup found for a service, or the ServiceUnavailableError it met. */
export function serviceUrl(service: ServiceName): string {
  const found = inject('infra:services')?.[service];
  if (!found) {
    throw new ServiceUnavailableError(
      service,
      `no ${service} was provided to this test: integration tests are *.integration.test.ts files run by the root vitest config`,
    );
  }
  if ('error' in found) throw new ServiceUnavailableError(service, found.error);
  return found.url;
}

/** The server version globalSetup read. */
export function serviceVersion(service: ServiceName): string {
  serviceUrl(service);
  const found = inject('infra:services')[service];
  return 'version' in found ? found.version : 'unknown';
}

/** A name unique to this test file and run: `<tag>_<time>_<random>`, safe as a key prefix or schema name. */
export function uniqueName(tag: string): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `${tag}_${Date.now().toString(36)}_${random}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}
