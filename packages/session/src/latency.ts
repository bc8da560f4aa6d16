/** Samples a latency keeps: its average and p99 are over the last this many. */
const SAMPLES = 1024;

/** Milliseconds: the last sample, and the average and 99th percentile of the recent ones (0 before any). */
export interface LatencySnapshot {
  count: number;
  last: number;
  avg: number;
  p99: number;
}

/** Durations in a fixed ring: recording one writes a number, the percentile is sorted out only when asked. */
export class Latency {
  readonly #samples = new Float64Array(SAMPLES);
  #count = 0;
  #last = 0;

  record(ms: number): void {
    this.#samples[this.#count % SAMPLES] = ms;
    this.#count++;
    this.#last = ms;
  }

  snapshot(): LatencySnapshot {
    const held = this.#samples.slice(0, Math.min(this.#count, SAMPLES)).sort();
    if (held.length === 0) return { count: 0, last: 0, avg: 0, p99: 0 };
    const sum = held.reduce((total, ms) => total + ms, 0);
    return { count: this.#count, last: this.#last, avg: sum / held.length, p99: held[Math.ceil(held.length * 0.99) - 1]! };
  }
}
