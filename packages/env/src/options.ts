import { describe, optionChecks } from '../../../internal/src/index.ts';
import type { EnvFile } from './dotenv.ts';
import { invalidOption } from './errors.ts';
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

/** The kernel's option checks, throwing `ERR_ENV_INVALID_OPTION` in the one message form. */
export const checks = optionChecks(invalidOption);

/** Checks the options both entry points share; throws `ERR_ENV_INVALID_OPTION` naming the option. */
export function checkOptions(options: object, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption('options', `expected an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw invalidOption(key, `unknown option (known: ${known.join(', ')})`);
  }
  const { emptyAsMissing, nodeEnv, sourceName } = options as ParseEnvOptions;
  checks.boolean(emptyAsMissing, 'emptyAsMissing', true);
  if (nodeEnv !== undefined) checks.string(nodeEnv, 'nodeEnv');
  if (sourceName !== undefined) checks.string(sourceName, 'sourceName');
}

/** Checks `files`, `cwd` and `env` of `defineEnv`. */
export function checkSourceOptions(options: DefineEnvOptions): void {
  if (options.files !== undefined && !Array.isArray(options.files)) {
    throw invalidOption('files', `expected an array of paths or { path, required }, got ${describe(options.files)}`);
  }
  (options.files ?? []).forEach((file, index) => {
    const path = typeof file === 'string' ? file : (file as { path?: unknown } | null)?.path;
    if (typeof path !== 'string' || path === '') {
      throw invalidOption(`files[${index}]`, `expected a path or { path, required }, got ${describe(file)}`);
    }
  });
  if (options.cwd !== undefined) checks.string(options.cwd, 'cwd');
  if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null)) {
    throw invalidOption('env', `expected an object of strings, got ${describe(options.env)}`);
  }
}

/** Checks per-environment defaults: objects of scalars, naming only variables of the schema. */
export function checkDefaults(schema: EnvSchema, defaults: unknown): Record<string, Record<string, unknown>> {
  if (defaults === undefined) return {};
  if (typeof defaults !== 'object' || defaults === null) {
    throw invalidOption('defaults', `expected an object keyed by environment, got ${describe(defaults)}`);
  }
  for (const [environment, values] of Object.entries(defaults)) {
    if (values === undefined) continue;
    if (typeof values !== 'object' || values === null) {
      throw invalidOption(`defaults.${environment}`, `expected an object, got ${describe(values)}`);
    }
    for (const [key, value] of Object.entries(values)) {
      if (!Object.hasOwn(schema, key)) {
        throw invalidOption(`defaults.${environment}.${key}`, 'names no variable of the schema');
      }
      if (!['string', 'number', 'boolean', 'undefined'].includes(typeof value)) {
        throw invalidOption(
          `defaults.${environment}.${key}`,
          `expected a string, number or boolean, got ${describe(value)}`,
        );
      }
    }
  }
  return defaults as Record<string, Record<string, unknown>>;
}
