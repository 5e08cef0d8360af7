export {
  type EnvIssueCode,
  type EnvParsedEvent,
  type EnvProductionCheckedEvent,
  envChannels,
} from './channels.ts';
export { defineEnv, parseEnv } from './define-env.ts';
export { describeEnv, type EnvDescription } from './describe.ts';
export { type DotenvFile, type EnvFile, parseDotenv } from './dotenv.ts';
export { EnvError, type EnvErrorCode, type EnvErrorOptions } from './errors.ts';
export { type GenerateExampleOptions, generateExample } from './example.ts';
export { bool } from './helpers/bool.ts';
export { bytes } from './helpers/bytes.ts';
export { duration } from './helpers/duration.ts';
export { json } from './helpers/json.ts';
export { type ListOptions, list } from './helpers/list.ts';
export { int, num, port, type RangeOptions } from './helpers/numbers.ts';
export { type RequiredIn, requiredIn } from './helpers/required-in.ts';
export { secret } from './helpers/secret.ts';
export { type UrlOptions, url } from './helpers/url.ts';
export type { DefineEnvOptions, ParseEnvOptions } from './options.ts';
export {
  type AssertProductionReadyOptions,
  assertProductionReady,
  type CheckProductionOptions,
  checkProduction,
} from './production.ts';
export { type RedactPathsOptions, redactPaths } from './redact.ts';
export { isSecret, Secret } from './secret.ts';
export type { StandardSchemaV1 } from './standard-schema.ts';
export type {
  Env,
  EnvIssue,
  EnvironmentDefaults,
  EnvSchema,
  FindingSeverity,
  ProductionFinding,
  ProductionReport,
} from './types.ts';
