import { channel } from 'node:diagnostics_channel';
import { type DotenvFile, type EnvFile, readDotenvFiles } from './dotenv.ts';
import { EnvError } from './errors.ts';
import { freezeEnv } from './freeze.ts';
import { describeIssues, describeSecretIssues, validationMessage } from './issues.ts';
import { attachMetadata, type ValueOrigin } from './metadata.ts';
import { isSecretSchema, requiredInOf } from './schema-info.ts';
import type { StandardSchemaV1 } from './standard-schema.ts';
import type { Env, EnvIssue, EnvironmentDefaults, EnvSchema } from './types.ts';

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

/** One place values come from; `lines` gives a file's line numbers for `source`. */
interface Layer {
  name: string;
  values: Readonly<Record<string, string | undefined>>;
  lines: ReadonlyMap<string, number> | undefined;
}

/** One variable of a schema, prepared once per schema object (see `planOf`). */
interface PlannedKey {
  key: string;
  standard: StandardSchemaV1.Props;
  secret: boolean;
  requiredIn: readonly string[];
}

/**
 * Reads `process.env` (and the given `.env` files), validates every variable against `schema` and
 * returns a typed, deeply frozen config, or throws one `EnvError` listing every problem.
 * Never writes to `process.env` and never exits the process.
 * @example const env = defineEnv({ PORT: port().default(3000) }, { files: ['.env', '.env.local'] });
 */
export function defineEnv<S extends EnvSchema>(schema: S, options: DefineEnvOptions<S> = {}): Env<S> {
  checkOptions(options, ['emptyAsMissing', 'defaults', 'nodeEnv', 'sourceName', 'files', 'cwd', 'env']);
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
  const record = options.env ?? process.env;
  if (typeof record !== 'object' || record === null) {
    throw new EnvError('ERR_ENV_INVALID_OPTION', 'option env must be an object of strings');
  }
  const files = readDotenvFiles(options.files ?? [], options.cwd ?? process.cwd());
  const recordName = options.sourceName ?? (options.env === undefined ? 'process.env' : 'env');
  // Highest precedence first; files that do not exist are named too, since that is often the mistake.
  const loaded = new Set(files.map((file) => file.name));
  const searched = [
    recordName,
    ...(options.files ?? [])
      .map((file) => (typeof file === 'string' ? file : file.path))
      .reverse()
      .map((name) => (loaded.has(name) ? name : `${name} (not found)`)),
  ];
  return resolve(schema, [recordLayer(record, recordName), ...files.reverse().map(fileLayer)], options, searched);
}

/**
 * The pure form of `defineEnv`: validates `record` only (no `process.env`, no files), for tests and
 * runtimes without a process environment. Does not modify `record`.
 * @example parseEnv({ PORT: port() }, { PORT: '8080' }) // { PORT: 8080 }
 */
export function parseEnv<S extends EnvSchema>(
  schema: S,
  record: Readonly<Record<string, string | undefined>>,
  options: ParseEnvOptions<S> = {},
): Env<S> {
  checkOptions(options, ['emptyAsMissing', 'defaults', 'nodeEnv', 'sourceName']);
  if (typeof record !== 'object' || record === null) {
    throw new EnvError('ERR_ENV_INVALID_OPTION', 'parseEnv(): the record must be an object of strings');
  }
  const name = options.sourceName ?? 'env';
  return resolve(schema, [recordLayer(record, name)], options, [name]);
}

function recordLayer(record: Readonly<Record<string, string | undefined>>, name: string): Layer {
  return { name, values: record, lines: undefined };
}

function fileLayer(file: DotenvFile): Layer {
  return { name: file.name, values: file.values, lines: file.lines };
}

function sourceOf(layer: Layer, key: string): string {
  const line = layer.lines?.get(key);
  return line === undefined ? layer.name : `${layer.name}:${line}`;
}

function checkOptions(options: object, known: readonly string[]): void {
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

/**
 * `infra:env:parse`: published after every `defineEnv`/`parseEnv`, with `{ ok, variables, sources }` and,
 * on failure, `issues` (which never hold a secret). Lets an app or a test log config loading without a logger.
 */
export const parseChannel = channel('infra:env:parse');

const plans = new WeakMap<object, PlannedKey[]>();
const blank = /^\s*$/;

/**
 * The schema checked and walked once: config is usually parsed once, but tests and serverless
 * cold starts parse the same schema object many times. A schema object is treated as fixed after
 * its first use.
 */
function planOf(schema: EnvSchema): PlannedKey[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new EnvError('ERR_ENV_INVALID_OPTION', 'the schema must be an object of { NAME: schema }');
  }
  let plan = plans.get(schema);
  if (plan !== undefined) return plan;
  plan = Object.keys(schema).map((key) => {
    const entry = schema[key] as Partial<StandardSchemaV1> | null;
    const standard = entry?.['~standard'];
    if (typeof standard?.validate !== 'function') {
      throw new EnvError('ERR_ENV_INVALID_OPTION', `schema.${key} is not a zod or Standard Schema schema`);
    }
    return { key, standard, secret: isSecretSchema(entry), requiredIn: requiredInOf(entry) };
  });
  plans.set(schema, plan);
  return plan;
}

function checkDefaults(schema: EnvSchema, defaults: unknown): Record<string, Record<string, unknown>> {
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

function resolve<S extends EnvSchema>(
  schema: S,
  layers: readonly Layer[],
  options: ParseEnvOptions<S>,
  searchedNames: readonly string[],
): Env<S> {
  const plan = planOf(schema);
  const defaults = checkDefaults(schema, options.defaults);
  const emptyAsMissing = options.emptyAsMissing ?? true;
  // The first layer holding a usable value for `key` (empty ones are skipped by default).
  const layerOf = (key: string): Layer | undefined => {
    for (const layer of layers) {
      const value = layer.values[key];
      if (typeof value !== 'string') {
        if (value === undefined || !Object.hasOwn(layer.values, key)) continue;
        throw new EnvError('ERR_ENV_INVALID_OPTION', `${layer.name}.${key} is a ${typeof value}, not a string`);
      }
      if (emptyAsMissing && blank.test(value)) continue;
      return layer;
    }
    return undefined;
  };
  const nodeEnvLayer = options.nodeEnv === undefined ? layerOf('NODE_ENV') : undefined;
  const nodeEnv = options.nodeEnv ?? (nodeEnvLayer?.values.NODE_ENV as string | undefined) ?? 'development';

  const env: Record<string, unknown> = {};
  const origins = new Map<string, ValueOrigin>();
  const issues: EnvIssue[] = [];
  for (const { key, standard, secret, requiredIn } of plan) {
    const layer = layerOf(key);
    let value = layer?.values[key];
    let environmentDefault: string | undefined;
    if (layer === undefined) {
      if (requiredIn.includes(nodeEnv)) {
        const message = `required when NODE_ENV is ${nodeEnv}`;
        issues.push({ key, kind: 'missing', message, source: searchedNames.join(', ') });
        continue;
      }
      const fallback = defaults[nodeEnv]?.[key];
      if (fallback !== undefined) {
        value = String(fallback);
        environmentDefault = nodeEnv;
      }
    }
    const result = standard.validate(value);
    if (result instanceof Promise) {
      throw new EnvError('ERR_ENV_INVALID_OPTION', `schema.${key} is async; @infra/env validates synchronously`);
    }
    const source =
      layer !== undefined ? sourceOf(layer, key) : environmentDefault !== undefined ? `defaults.${nodeEnv}` : undefined;
    if (result.issues !== undefined) {
      if (source === undefined) {
        issues.push({ key, kind: 'missing', message: 'required', source: searchedNames.join(', ') });
      } else {
        const message = secret ? describeSecretIssues(result.issues) : describeIssues(result.issues);
        issues.push({ key, kind: 'invalid', message, source });
      }
      continue;
    }
    env[key] = result.value;
    const defaulted = environmentDefault !== undefined || (source === undefined && result.value !== undefined);
    origins.set(key, { source: source ?? (defaulted ? 'default' : 'unset'), defaulted, environmentDefault, secret });
  }
  if (issues.length > 0) {
    const error = new EnvError('ERR_ENV_VALIDATION', validationMessage(issues), { issues });
    if (parseChannel.hasSubscribers) {
      parseChannel.publish({ ok: false, variables: plan.length, sources: searchedNames, issues: error.issues });
    }
    throw error;
  }
  if (parseChannel.hasSubscribers) parseChannel.publish({ ok: true, variables: plan.length, sources: searchedNames });
  const frozen = freezeEnv(env);
  attachMetadata(frozen, {
    nodeEnv,
    nodeEnvSet: options.nodeEnv !== undefined || nodeEnvLayer !== undefined,
    values: origins,
  });
  return frozen as Env<S>;
}
