// A store as the factories use it: any failure of the store itself (a connection refused, a timeout, a SQL
// error) becomes `ERR_AUTH_STORE_UNAVAILABLE` (503) with the original as `cause`, so an app sees one typed
// error and a request is answered 503, never 401 for a database that is down.
import { AuthError } from '../errors.ts';

function unavailable(error: unknown): never {
  if (error instanceof AuthError) throw error;
  throw new AuthError('ERR_AUTH_STORE_UNAVAILABLE', 'the auth store failed or did not answer', {
    status: 503,
    cause: error,
  });
}

/** `store` with every method's rejection turned into `ERR_AUTH_STORE_UNAVAILABLE`. */
export function guardStore<S extends object>(store: S): S {
  const guarded: Record<string, unknown> = {};
  for (const key of Object.keys(store) as (keyof S & string)[]) {
    const value = store[key];
    guarded[key] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            try {
              return (value as (...a: unknown[]) => Promise<unknown>).apply(store, args).catch(unavailable);
            } catch (error) {
              return Promise.reject(error).catch(unavailable);
            }
          }
        : value;
  }
  return guarded as S;
}
