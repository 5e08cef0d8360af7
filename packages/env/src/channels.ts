/**
 * The `node:diagnostics_channel` channels of `@infra/env`, named `infra:env:<event>` by the kernel. Messages hold
 * counts, variable names, sources and codes, never a value: a subscriber may log them anywhere.
 */
import { defineChannels, publish } from '../../../internal/src/index.ts';
import type { EnvIssue, FindingSeverity } from './types.ts';

/** Why a variable failed, as `infra:env:parsed` reports it. */
export type EnvIssueCode =
  /** No value and no default. */
  | 'required'
  /** No value in an environment `requiredIn()` names. */
  | 'required-in-environment'
  /** The schema rejected the value. */
  | 'rejected'
  /** The schema threw. */
  | 'schema-threw'
  /** The schema is asynchronous. */
  | 'schema-async'
  /** The schema threw or is asynchronous (a validator that cannot tell which). */
  | 'schema-threw-or-async';

/** The message of `envChannels.parsed`, published after every `defineEnv`/`parseEnv`. */
export interface EnvParsedEvent {
  /** Whether the config was valid (else an `ERR_ENV_VALIDATION` is thrown right after). */
  readonly ok: boolean;
  /** Variables in the schema. */
  readonly variables: number;
  /** Variables a default supplied. */
  readonly defaulted: number;
  /** Variables holding a `secret()`. */
  readonly secrets: number;
  /** Missing variables. */
  readonly missing: number;
  /** Invalid variables. */
  readonly invalid: number;
  /** Where values were looked for, highest precedence first. */
  readonly sources: readonly string[];
  /** One entry per problem: the variable and why, never its value or the validator's words. */
  readonly issues: readonly { readonly key: string; readonly kind: EnvIssue['kind']; readonly code: EnvIssueCode }[];
}

/** The message of `envChannels['production-checked']`, published after every `checkProduction`. */
export interface EnvProductionCheckedEvent {
  readonly score: number;
  /** One entry per finding, without its message. */
  readonly findings: readonly { readonly key: string; readonly severity: FindingSeverity }[];
}

/**
 * Every channel of `@infra/env`: `parsed` (`infra:env:parsed`, an {@link EnvParsedEvent}) and
 * `production-checked` (`infra:env:production-checked`, an {@link EnvProductionCheckedEvent}).
 * @example subscribe(envChannels.parsed.name, (event) => logger.info(event, 'config parsed'))
 */
export const envChannels = defineChannels('env', ['parsed', 'production-checked']);

/**
 * `infra:env:parse`, the channel before `envChannels`: `{ ok, variables, sources, issues? }` with the full issues.
 * @deprecated Subscribe to `envChannels.parsed` (`infra:env:parsed`); this one goes in the next minor version.
 */
const legacy = defineChannels('env', ['parse']);

/** Whether anyone listens to a parse: the outcome is gathered only then (config parsing is on cold starts' path). */
export function parseObserved(): boolean {
  return envChannels.parsed.hasSubscribers || legacy.parse.hasSubscribers;
}

/** What one parse found, as `resolve` knows it. */
export interface ParseOutcome {
  readonly variables: number;
  readonly secrets: number;
  readonly defaulted: number;
  readonly sources: readonly string[];
  readonly issues: readonly EnvIssue[];
  /** The code of each of `issues`, by position. */
  readonly codes: readonly EnvIssueCode[];
}

/** Publishes the outcome of one parse on `parsed` and on the deprecated `parse`. */
export function publishParsed(outcome: ParseOutcome): void {
  const { variables, sources, issues } = outcome;
  const ok = issues.length === 0;
  publish(
    envChannels.parsed,
    (): EnvParsedEvent => ({
      ok,
      variables,
      defaulted: outcome.defaulted,
      secrets: outcome.secrets,
      missing: issues.filter((issue) => issue.kind === 'missing').length,
      invalid: issues.filter((issue) => issue.kind === 'invalid').length,
      sources,
      issues: issues.map((issue, index) => ({
        key: issue.key,
        kind: issue.kind,
        code: outcome.codes[index] ?? 'rejected',
      })),
    }),
  );
  publish(legacy.parse, () => (ok ? { ok, variables, sources } : { ok, variables, sources, issues }));
}

/** Publishes a production-readiness report on `production-checked`. */
export function publishProductionChecked(event: () => EnvProductionCheckedEvent): void {
  publish(envChannels['production-checked'], event);
}
