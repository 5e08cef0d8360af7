import { channel } from 'node:diagnostics_channel';
import type { DotenvFile } from './dotenv.ts';
import { EnvError } from './errors.ts';
import { freezeEnv } from './freeze.ts';
import { describeIssues, describeSecretIssues, validationMessage } from './issues.ts';
import { attachMetadata, type ValueOrigin } from './metadata.ts';
import { checkDefaults, type ParseEnvOptions } from './options.ts';
import { planOf } from './plan.ts';
import type { Env, EnvIssue, EnvSchema } from './types.ts';

/** One place values come from; `lines` gives a file's line numbers for `source`. */
export interface Layer {
  name: string;
  values: Readonly<Record<string, string | undefined>>;
  lines: ReadonlyMap<string, number> | undefined;
}

/** A record (`process.env` or the one given) as a layer. */
export function recordLayer(record: Readonly<Record<string, string | undefined>>, name: string): Layer {
  return { name, values: record, lines: undefined };
}

/** A parsed `.env` file as a layer. */
export function fileLayer(file: DotenvFile): Layer {
  return { name: file.name, values: file.values, lines: file.lines };
}

function sourceOf(layer: Layer, key: string): string {
  const line = layer.lines?.get(key);
  return line === undefined ? layer.name : `${layer.name}:${line}`;
}

/**
 * `infra:env:parse`: published after every `defineEnv`/`parseEnv`, with `{ ok, variables, sources }` and,
 * on failure, `issues` (which never hold a secret). Lets an app or a test log config loading without a logger.
 */
export const parseChannel = channel('infra:env:parse');

const blank = /^\s*$/;

/**
 * Validates every variable of `schema` against the layers (highest precedence first), collecting
 * every problem into one `EnvError`, and returns the frozen result with its metadata attached.
 * `searchedNames` is what a missing variable's `source` lists.
 */
export function resolve<S extends EnvSchema>(
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
