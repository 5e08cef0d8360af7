import type { Clock } from '../../../internal/src/index.ts';

/** `closed`: calls pass. `open`: calls are refused at once. `half-open`: one probe call may pass. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  threshold: number;
  /** How long the circuit stays open before one probe call is let through (ms). */
  openFor: number;
  clock: Clock;
  /** Called on every state change. */
  onChange: (state: CircuitState, previous: CircuitState) => void;
}

/**
 * Stops calling a tier that keeps failing, so a dead Redis costs nothing per request, and lets one
 * probe through after `openFor` to find out whether it is back.
 */
export class CircuitBreaker {
  readonly #options: CircuitBreakerOptions;
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probing = false;

  constructor(options: CircuitBreakerOptions) {
    this.#options = options;
  }

  get state(): CircuitState {
    return this.#state;
  }

  /** Whether a call may go ahead now; in `half-open` only the first caller gets true (the probe). */
  allow(): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'open') {
      if (this.#options.clock.now() - this.#openedAt < this.#options.openFor) return false;
      this.#set('half-open');
    }
    if (this.#probing) return false;
    this.#probing = true;
    return true;
  }

  success(): void {
    this.#failures = 0;
    this.#probing = false;
    if (this.#state !== 'closed') this.#set('closed');
  }

  failure(): void {
    this.#probing = false;
    this.#failures++;
    if (this.#state === 'half-open' || (this.#state === 'closed' && this.#failures >= this.#options.threshold)) {
      this.#openedAt = this.#options.clock.now();
      this.#set('open');
    }
  }

  #set(state: CircuitState): void {
    const previous = this.#state;
    this.#state = state;
    this.#options.onChange(state, previous);
  }
}
