// A readiness check for `@infra/health`, structural (the shape `health.register` takes, without importing the
// package): the transport's own verify(), so SMTP is checked by EHLO and AUTH, a provider by an authenticated call.
import type { Transport } from './transport.ts';

/** Options of {@link mailCheck}. */
export interface MailCheckOptions {
  /** The mailer (or a transport) to verify. */
  mailer: { verify(): Promise<void> } | Transport;
}

/** What `mailCheck` returns: a check function with the `@infra/health` defaults attached. */
export interface MailHealthCheck {
  (
    signal: AbortSignal,
  ): Promise<{ status?: 'pass' | 'fail'; observedValue: number; observedUnit: string; output?: string }>;
  readonly componentType: 'component';
  readonly measurement: 'responseTime';
}

/**
 * The mail transport as a health check: passes when it verifies, fails with the reason otherwise.
 *
 * @example health.register('mail', mailCheck({ mailer }))
 */
export function mailCheck(options: MailCheckOptions): MailHealthCheck {
  const target = options.mailer;
  const check = async (signal: AbortSignal) => {
    const started = performance.now();
    const aborted = new Promise<never>((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    aborted.catch(() => {});
    try {
      await Promise.race([target.verify(), aborted]);
      return { observedValue: Math.round((performance.now() - started) * 100) / 100, observedUnit: 'ms' };
    } catch (error) {
      return {
        status: 'fail' as const,
        observedValue: Math.round((performance.now() - started) * 100) / 100,
        observedUnit: 'ms',
        // The code and message only: never the cause, which may quote a server reply with credentials echoed.
        output:
          error instanceof Error
            ? `${(error as { code?: string }).code ?? error.name}: ${error.message}`
            : String(error),
      };
    }
  };
  return Object.assign(check, { componentType: 'component' as const, measurement: 'responseTime' as const });
}
