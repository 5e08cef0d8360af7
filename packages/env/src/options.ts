import type { EnvFile } from './dotenv.ts';
import { EnvError } from './errors.ts';
import type { EnvironmentDefaults, EnvSchema } from './types.ts';

/** Options of `parseEnv`. */
export interface ParseEnvOptions<S extends EnvSchema = EnvSchema> {
  /** Treat empty and whitespace-only values as not set, so defaults apply (`PORT=` means "no port given"). @default true */
  emptyAsMissing?: boolean;
  /** Defaults per environment, keyed by `NODE_ENV`: `{ development: { DATABASE_URL: 'postgres://localhost/dev' } }`. Values are validated like any other. @default {} */
  defaults?: EnvironmentDefaults<S>;
  /** The environment that picks `defaults` and `requiredIn`. @default the `NODE_ENV` found in the sources, else `'development'` */
  nodeEnv?: string;
  /** What `source` calls the record. @default 'env' */
  sourceName?: string;
}

/** Options of `defineEnv`. */
export interface DefineEnvOptions<S extends EnvSchema = EnvSchema> extends ParseEnvOptions<S> {
  /** `.env` files to read, in order: a later file beats an earlier one; the environment beats them all. A missing file is skipped unless `{ path, required: true }`. @default [] */
  files?: readonly EnvFile[];
  /** The directory `files` are relative to. @default process.cwd() */
  cwd?: string;
  /** The environment to read instead of `process.env` (never written to). @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Checks the options both entry points share; throws `ERR_ENV_INVALID_OPTION` naming the option. */
export function checkOptions(options: object, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null) {
    throw new EnvError('ERR_ENV_INVALID_OPTION', 'options must be an object');
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new EnvError('ERR_ENV_INVALID_OPTION', `unknown option ${JSON.stringify(key)}`);
  }
  const { emptyAsMissing, nodeEnv, sourceName } = options as ParseEnvOptions;
  if (emptyAsMissing !== undefined && typeof emptyAsMissing !== 'boolean') {
    throw new EnvError('ERR_ENV_INVALID_OPTION', 'option emptyAsMissing must be a boolean');
  }
  if (nodeEnv !== undefined && (typeof nodeEnv !== 'string' || nodeEnv === '')) {
    throw new EnvError('ERR_ENV_INVALID_OPTION', 'option nodeEnv must be a non-empty string');
  }
  if (sourceName !== undefined && (typeof sourceName !== 'string' || sourceName === '')) {
    throw new EnvError('ERR_ENV_INVALID_OPTION', 'option sourceName must be a non-empty string');
  }
}

/** Checks `files`, `cwd` and `env` of `defineEnv`. */
export function checkSourceOptions(options: DefineEnvOptions): void {
  if (options.files !== undefined && !Array.isArray(options.files)) {
    throw new EnvError('ERR_ENV_INVALID_OPTION', 'option files must be an array of paths or { path, required }');
  }
  for (const file of options.files ?? []) {
    const path = typeof file === 'string' ? file : (file as { path?: unknown } | null)?.path;
    if (typeof path !== 'string' || path === '') {
      throw new EnvError(
        'ERR_ENV_INVALID_OPTION',
        `option files has an entry that is not a path: ${JSON.stringify(file)}`,
      );
    }
  }
  if (options.cwd !== undefined && typeof options.cwd !== 'string') {
    throw new EnvError('ERR_ENV_INVALID_OPTION', 'option cwd must be a string');
  }
  if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null)) {
    throw new EnvError('ERR_ENV_INVALID_OPTION', 'option env must be an object of strings');
  }
}

/** Checks per-environment defaults: objects of scalars, naming only variables of the schema. */
export function checkDefaults(schema: EnvSchema, defaults: unknown): Record<string, Record<string, unknown>> {
  if (defaults === undefined) return {};
  if (typeof defaults !== 'object' || defaults === null) {
    throw new EnvError('ERR_ENV_INVALID_OPTION', 'option defaults must be an object keyed by environment');
  }
  for (const [environment, values] of Object.entries(defaults)) {
    if (values === undefined) continue;
    if (typeof values !== 'object' || values === null) {
      throw new EnvError('ERR_ENV_INVALID_OPTION', `option defaults.${environment} must be an object`);
    }
    for (const [key, value] of Object.entries(values)) {
      if (!Object.hasOwn(schema, key)) {
        throw new EnvError(
          'ERR_ENV_INVALID_OPTION',
          `option defaults.${environment}.${key} names no variable of the schema`,
        );
      }
      if (!['string', 'number', 'boolean', 'undefined'].includes(typeof value)) {
        throw new EnvError(
          'ERR_ENV_INVALID_OPTION',
          `option defaults.${environment}.${key} must be a string, number or boolean`,
        );
      }
    }
  }
  return defaults as Record<string, Record<string, unknown>>;
}
