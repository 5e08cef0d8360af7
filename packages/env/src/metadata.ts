/**
 * What `defineEnv` knows about each value of an env object it returned (where it came from,
 * whether a default filled it, whether it is a secret). Kept in a WeakMap beside the object, so
 * the env object itself stays a plain frozen record with nothing extra to print or serialise.
 */

/** Where one value came from. */
export interface ValueOrigin {
  /** `process.env`, `.env.local:3`, `defaults.development`, `default` (the schema's), or `unset`. */
  source: string;
  /** A default filled it: the schema's `.default()` or a per-environment default. */
  defaulted: boolean;
  /** The per-environment default's environment, when one was used. */
  environmentDefault: string | undefined;
  /** The schema is a `secret()`. */
  secret: boolean;
}

/** What `defineEnv` records about an env object. */
export interface EnvMetadata {
  /** The environment name used for per-environment defaults and `requiredIn` (from `NODE_ENV`). */
  nodeEnv: string;
  /** Whether `NODE_ENV` was set in a source, or `nodeEnv` fell back to its default. */
  nodeEnvSet: boolean;
  values: ReadonlyMap<string, ValueOrigin>;
}

const metadata = new WeakMap<object, EnvMetadata>();

export function attachMetadata(env: object, data: EnvMetadata): void {
  metadata.set(env, data);
}

/** The metadata of an env object `defineEnv`/`parseEnv` returned; undefined for any other object. */
export function metadataOf(env: object): EnvMetadata | undefined {
  return metadata.get(env);
}
