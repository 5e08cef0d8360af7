// The kernel every `@infra/*` package builds on. Not a package: each package imports it by relative path and its
// build inlines what it uses, code and types, so every package still installs alone (docs/DESIGN.md, "The kernel").
// The test clock is not here: tests import `test-clock.ts` directly, and no package ships it.
export { type Channels, channelName, type DiagnosticsChannel, defineChannels, publish } from './channels.ts';
export { type Clock, type ClockTimer, clockOption, systemClock } from './clock.ts';
export { type Closable, closeOnce } from './close.ts';
export { DeadlineQueue, withDeadline } from './deadline.ts';
export { type Duration, type DurationResult, type DurationUnit, parseDurationMs } from './duration.ts';
export {
  InfraError,
  type InfraErrorLike,
  type InfraErrorOptions,
  type InvalidOption,
  invalidOptionMessage,
  isInfraError,
  markInfraError,
} from './errors.ts';
export { type Log, type Logger, type LogLevel, loggerOption } from './logger.ts';
export { type DurationLimits, describe, type NumberLimits, type OptionChecks, optionChecks } from './options.ts';
export { type ProblemMembers, problemBody, problemContentType, problemFor } from './problem.ts';
