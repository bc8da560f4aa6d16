/** Seconds of history a rate covers. */
const WINDOW = 10;

/** A count and its rate over the last whole seconds. */
export interface RateSnapshot {
  total: number;
  /** Per second over the last 10 whole seconds (fewer while the instance is younger), on the `performanceNow` clock. */
  perSecond: number;
}

/**
 * A counter with its recent rate: a ring of per-second buckets, so counting
 * allocates nothing and costs a division and a comparison. A bucket holds
 * the second it counts, so a second nothing happened in reads as zero.
 */
export class Rate {
  #total = 0;
  readonly #seconds = new Float64Array(WINDOW).fill(-1);
  readonly #counts = new Float64Array(WINDOW);
  readonly #since: number;

  constructor(private readonly clock: () => number) {
    this.#since = Math.floor(clock() / 1000);
  }

  add(n = 1): void {
    this.#total += n;
    const second = Math.floor(this.clock() / 1000);
    const slot = second % WINDOW;
    if (this.#seconds[slot] !== second) {
      this.#seconds[slot] = second;
      this.#counts[slot] = 0;
    }
    this.#counts[slot]! += n;
  }

  snapshot(): RateSnapshot {
    const now = Math.floor(this.clock() / 1000);
    // Whole seconds only: the current one is still counting.
    const seconds = Math.min(WINDOW, now - this.#since);
    let sum = 0;
    for (let slot = 0; slot < WINDOW; slot++) {
      const second = this.#seconds[slot]!;
      if (second < now && second >= now - seconds) sum += this.#counts[slot]!;
    }
    return { total: this.#total, perSecond: seconds > 0 ? sum / seconds : 0 };
  }
}
