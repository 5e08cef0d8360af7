import { type Clock, type Log, publish } from '../../../internal/src/index.ts';
import { type AuthEvent, type AuthEventName, authChannels } from './channels.ts';

/** Publishes an audit event on its channel and logs it; never given a token or a secret. */
export type Audit = (event: AuthEventName, fields: Omit<AuthEvent, 'event' | 'at'>) => void;

// Reuse is an attack signal; everything else is routine.
const warnings: ReadonlySet<AuthEventName> = new Set(['reuse-detected']);

/** The audit of one instance: `authChannels` plus the kernel logger, timestamped on the instance's clock. */
export function createAudit(log: Log, clock: Clock): Audit {
  return (event, fields) => {
    const at = clock.now();
    publish(authChannels[event], () => ({ event, at, ...fields }));
    log(warnings.has(event) ? 'warn' : 'info', { event, ...fields }, `auth: ${event}`);
  };
}
