import { readDotenvFiles } from './dotenv.ts';
import { invalidOption } from './errors.ts';
import { checkOptions, checkSourceOptions, type DefineEnvOptions, type ParseEnvOptions } from './options.ts';
import { fileLayer, recordLayer, resolve } from './resolve.ts';
import type { Env, EnvSchema } from './types.ts';

/**
 * Reads `process.env` (and the given `.env` files), validates every variable against `schema` and
 * returns a typed, deeply frozen config, or throws one `EnvError` listing every problem.
 * Never writes to `process.env` and never exits the process.
 * @example const env = defineEnv({ PORT: port().default(3000) }, { files: ['.env', '.env.local'] });
 */
export function defineEnv<S extends EnvSchema>(schema: S, options: DefineEnvOptions<S> = {}): Env<S> {
  checkOptions(options, ['emptyAsMissing', 'defaults', 'nodeEnv', 'sourceName', 'files', 'cwd', 'env']);
  checkSourceOptions(options);
  const record = options.env ?? process.env;
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
    throw invalidOption('record', 'parseEnv() needs an object of strings');
  }
  const name = options.sourceName ?? 'env';
  return resolve(schema, [recordLayer(record, name)], options, [name]);
}
