// Timing helpers shared by the core benchmarks.

/** Per-call wall times after a warm-up: p50 and p99 in µs. */
export function sample(fn, { warmup = 50, runs = 500 } = {}) {
  for (let i = 0; i < warmup; i++) fn(i);
  const times = new Float64Array(runs);
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn(i);
    times[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  times.sort();
  return { p50: times[Math.floor(runs * 0.5)], p99: times[Math.min(runs - 1, Math.floor(runs * 0.99))] };
}

/**
 * CPU µs per call: the best of several batches. Ratios use this: on a shared
 * machine CPU time drifts far less than wall time, and the best batch is the
 * one least disturbed by other processes.
 */
export function cpuPerCall(fn, { warmup = 50, runs = 500, rounds = 5 } = {}) {
  for (let i = 0; i < warmup; i++) fn(i);
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < runs; i++) fn(i);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / runs);
  }
  return best;
}

export const fmt = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
