/** A real service a test needs could not be found or reached; the message says how to provide it. */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  readonly service: ServiceName;

  constructor(service: ServiceName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.service = service;
  }
}

export type ServiceName = 'redis' | 'postgres';
