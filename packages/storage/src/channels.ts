import { type Channels, defineChannels } from '../../../internal/src/index.ts';

/** Events of `@infra/storage`, in the order they are listed in {@link storageChannels}. */
export type StorageEvent = 'put' | 'get' | 'delete' | 'copy' | 'move' | 'rejected' | 'error';

/**
 * The `node:diagnostics_channel` channels of `@infra/storage`: `infra:storage:put` (`{ key, size, contentType,
 * durationMs }`), `get` (`{ key, range }`), `delete` (`{ keys }`), `copy` and `move` (`{ from, to }`), `rejected`
 * (`{ key, code, rule }`: a body refused by a check) and `error` (`{ operation, key, error }`: a driver failed).
 */
export const storageChannels: Channels<StorageEvent> = defineChannels('storage', [
  'put',
  'get',
  'delete',
  'copy',
  'move',
  'rejected',
  'error',
]);
