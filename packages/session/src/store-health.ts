import { StoreError, type Logger } from '@statetemplate/store';
import { Latency, type LatencySnapshot } from './latency.js';

/** How the session store has been doing, as the StateTemplate's calls saw it. */
export interface StoreMetrics {
  /** Store calls made. */
  calls: number;
  /** Calls that failed: the store unavailable or timed out, or a store that threw something else than its contract's answers. */
  errors: number;
  /** Whether the last call failed (the store is failing until a call succeeds). */
  failing: boolean;
  /** The calls' durations in ms, on the `performanceNow` clock. */
  ms: LatencySnapshot;
}

/**
 * Times store calls and tells the logger when the store starts failing and
 * when it is back: one line each way, however many calls fail in between.
 */
export class StoreHealth {
  readonly #latency = new Latency();
  #calls = 0;
  #errors = 0;
  /** Failed calls since the store last answered, and when the first of them started. */
  #failures = 0;
  #failingSince = 0;

  constructor(
    private readonly clock: () => number,
    private readonly logger: Logger | undefined,
  ) {}

  succeeded(start: number): void {
    const end = this.#record(start);
    if (this.#failures === 0) return;
    this.logger?.info({ failures: this.#failures, ms: end - this.#failingSince }, 'statetemplate: the session store is back');
    this.#failures = 0;
  }

  /** A call that rejected: the contract's answers (a compare-and-set conflict, a record gone, data refused) are no failures. */
  rejected(operation: string, start: number, error: unknown): void {
    if (error instanceof StoreError && (error.code === 'conflict' || error.code === 'not_found' || error.code === 'invalid')) return this.succeeded(start);
    this.#record(start);
    this.#errors++;
    if (this.#failures++ > 0) return;
    this.#failingSince = start;
    this.logger?.error({ operation, code: error instanceof StoreError ? error.code : undefined, err: error }, 'statetemplate: the session store is failing');
  }

  snapshot(): StoreMetrics {
    return { calls: this.#calls, errors: this.#errors, failing: this.#failures > 0, ms: this.#latency.snapshot() };
  }

  #record(start: number): number {
    const end = this.clock();
    this.#calls++;
    this.#latency.record(end - start);
    return end;
  }
}
