import { displayValue } from './mask.ts';
import { metadataOf } from './metadata.ts';
import { isSecret } from './secret.ts';

/** One row of `describeEnv`. */
export interface EnvDescription {
  key: string;
  /** The value as display text: secrets `[redacted]`, URL userinfo and secret parameters `***`. */
  value: string;
  /** Where it came from: `process.env`, `.env.local:3`, `defaults.development`, `default`, `unset`. */
  source: string;
  /** Whether a default (the schema's or a per-environment one) supplied it. */
  defaulted: boolean;
  /** Whether the value is a secret. */
  secret: boolean;
}

/**
 * What the config holds and where each value came from, safe to print or log at start-up.
 * @example for (const row of describeEnv(env)) logger.info(row, 'config')
 */
export function describeEnv(env: object): EnvDescription[] {
  const metadata = metadataOf(env);
  return Object.entries(env).map(([key, value]) => {
    const origin = metadata?.values.get(key);
    return {
      key,
      value: displayValue(value),
      source: origin?.source ?? 'unknown',
      defaulted: origin?.defaulted ?? false,
      secret: origin?.secret ?? isSecret(value),
    };
  });
}
