/**
 * A circuit breaker per node of a store (per master of a Redis Cluster; one for a single node), for the
 * rate limiter and the lock. Once a node has failed `threshold` times in a row, calls for its keys are
 * refused at once for `openFor`, then one probe goes through. Keys on other nodes are never affected.
 */
import type { Clock, Duration, Log } from '../../../internal/src/index.ts';
import { cacheChannels } from './channels.ts';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.ts';
import { checks, invalidOption } from './errors.ts';

/** How a breaker opens and when it probes again; `false` turns breakers off. */
export interface NodeBreakerOptions {
  /** Consecutive failures of one node that open its circuit. @default 3 */
  threshold?: number;
  /** How long calls for that node's keys skip it before one probe is let through. @default '2s' */
  openFor?: Duration;
}

const circuitChannel = cacheChannels.circuit;

/** The breakers of one limiter or locker. */
export class NodeBreakers {
  readonly #threshold: number;
  readonly #openFor: number;
  readonly #clock: Clock;
  readonly #log: Log;
  readonly #component: 'rate-limit' | 'lock';
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #errors = new Map<string, unknown>();
  /** Calls refused because their node's circuit was open. */
  skipped = 0;

  constructor(options: {
    breaker: NodeBreakerOptions | false | undefined;
    clock: Clock;
    log: Log;
    component: 'rate-limit' | 'lock';
  }) {
    const { breaker } = options;
    if (breaker !== undefined && breaker !== false && (typeof breaker !== 'object' || breaker === null)) {
      throw invalidOption('circuitBreaker', 'must be an object ({ threshold, openFor }) or false');
    }
    this.#threshold =
      breaker === false
        ? Number.POSITIVE_INFINITY
        : checks.number(breaker?.threshold, 'circuitBreaker.threshold', { default: 3, min: 1, integer: true });
    this.#openFor =
      breaker === false ? 0 : checks.duration(breaker?.openFor, 'circuitBreaker.openFor', { default: 2000 });
    this.#clock = options.clock;
    this.#log = options.log;
    this.#component = options.component;
  }

  /** Whether a call for `node` may go to the store now (in `half-open`, only the probe may). */
  allow(node: string): boolean {
    const breaker = this.#breakers.get(node);
    if (breaker === undefined || breaker.allow()) return true;
    this.skipped++;
    return false;
  }

  success(node: string): void {
    this.#breakers.get(node)?.success();
  }

  failure(node: string, error: unknown): void {
    if (this.#threshold === Number.POSITIVE_INFINITY) return;
    let breaker = this.#breakers.get(node);
    if (breaker === undefined) {
      breaker = new CircuitBreaker({
        threshold: this.#threshold,
        openFor: this.#openFor,
        clock: this.#clock,
        onChange: (state, previous) => this.#changed(node, state, previous),
      });
      this.#breakers.set(node, breaker);
    }
    this.#errors.set(node, error);
    breaker.failure();
  }

  /** How long an open circuit skips its node, in ms. */
  get openFor(): number {
    return this.#openFor;
  }

  /** The nodes whose circuit is not closed, with its state. */
  states(): Record<string, CircuitState> {
    const states: Record<string, CircuitState> = {};
    for (const [node, breaker] of this.#breakers) if (breaker.state !== 'closed') states[node] = breaker.state;
    return states;
  }

  #changed(node: string, state: CircuitState, previous: CircuitState): void {
    const where = node === '' ? 'the store' : `node ${node}`;
    const error = this.#errors.get(node);
    if (previous === 'closed' && state === 'open') {
      this.#log(
        'error',
        { err: error, node, component: this.#component },
        `${this.#component} store unavailable at ${where}: its keys skip it for ${this.#openFor} ms at a time`,
      );
    } else if (state === 'closed') {
      this.#errors.delete(node);
      this.#log('warn', { node, component: this.#component }, `${this.#component} store recovered at ${where}`);
    }
    if (circuitChannel.hasSubscribers) circuitChannel.publish({ component: this.#component, node, state, error });
  }
}
