import { type EnvIssueCode, parseObserved, publishParsed } from './channels.ts';
import type { DotenvFile } from './dotenv.ts';
import { EnvError, invalidOption } from './errors.ts';
import { freezeEnv } from './freeze.ts';
import { describeFailure, describeIssues, describeSecretIssues, validationMessage, withoutValue } from './issues.ts';
import { attachMetadata, type ValueOrigin } from './metadata.ts';
import { checkDefaults, type ParseEnvOptions } from './options.ts';
import { type PlannedKey, planOf } from './plan.ts';
import type { Env, EnvIssue, EnvSchema } from './types.ts';
import { asyncFailure, promised, SchemaFailure, type Validation } from './validate.ts';

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
        throw invalidOption(`${layer.name}.${key}`, `expected a string, got a ${typeof value}`);
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
  const codes: EnvIssueCode[] = [];
  for (const { key, schema: entry, standard, secret, async, requiredIn } of plan) {
    const layer = layerOf(key);
    let value = layer?.values[key];
    let environmentDefault: string | undefined;
    if (layer === undefined) {
      if (requiredIn.includes(nodeEnv)) {
        const message = `required when NODE_ENV is ${nodeEnv}`;
        issues.push({ key, kind: 'missing', message, source: searchedNames.join(', ') });
        codes.push('required-in-environment');
        continue;
      }
      const fallback = defaults[nodeEnv]?.[key];
      if (fallback !== undefined) {
        value = String(fallback);
        environmentDefault = nodeEnv;
      }
    }
    // Without a value zod answers before any function of the schema runs (optional, default); with one, an async
    // function would run and its promise be dropped. `validateSync` written out: a call per variable measurably
    // slowed a 50-variable parse.
    let result: Validation | Promise<unknown>;
    if (async && value !== undefined) result = asyncFailure;
    else {
      try {
        result = standard.validate(value);
      } catch (error) {
        result = new SchemaFailure('threw', error);
      }
      if (result instanceof Promise) result = promised(result, entry, value);
    }
    const source =
      layer !== undefined ? sourceOf(layer, key) : environmentDefault !== undefined ? `defaults.${nodeEnv}` : undefined;
    let message: string;
    if (result instanceof SchemaFailure) message = describeFailure(result, secret);
    else if (result.issues === undefined) {
      env[key] = result.value;
      const defaulted = environmentDefault !== undefined || (source === undefined && result.value !== undefined);
      origins.set(key, { source: source ?? (defaulted ? 'default' : 'unset'), defaulted, environmentDefault, secret });
      continue;
    } else if (source === undefined) {
      issues.push({ key, kind: 'missing', message: 'required', source: searchedNames.join(', ') });
      codes.push('required');
      continue;
    } else message = secret ? describeSecretIssues(result.issues) : describeIssues(result.issues);
    issues.push({
      key,
      kind: 'invalid',
      message: secret ? withoutValue(message, value) : message,
      source: source ?? 'default',
    });
    codes.push(result instanceof SchemaFailure ? `schema-${result.kind}` : 'rejected');
  }
  if (parseObserved()) report(plan, origins, searchedNames, issues, codes);
  if (issues.length > 0) throw new EnvError('ERR_ENV_VALIDATION', validationMessage(issues), { issues });
  const frozen = freezeEnv(env);
  attachMetadata(frozen, {
    nodeEnv,
    nodeEnvSet: options.nodeEnv !== undefined || nodeEnvLayer !== undefined,
    values: origins,
  });
  return frozen as Env<S>;
}

/** Publishes what one parse found; out of `resolve`, whose size decides how well it is optimised. */
function report(
  plan: readonly PlannedKey[],
  origins: ReadonlyMap<string, ValueOrigin>,
  sources: readonly string[],
  issues: readonly EnvIssue[],
  codes: readonly EnvIssueCode[],
): void {
  publishParsed({
    variables: plan.length,
    secrets: plan.filter((planned) => planned.secret).length,
    defaulted: [...origins.values()].filter((origin) => origin.defaulted).length,
    sources,
    issues,
    codes,
  });
}
