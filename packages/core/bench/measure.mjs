// Tiny timing helpers shared by the benchmarks: warm up, then sample.
export function sample(fn, { warmup = 50, runs = 500 } = {}) {
  for (let i = 0; i < warmup; i++) fn(i);
  const times = new Float64Array(runs);
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn(i);
    times[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  times.sort();
  return { p50: times[Math.floor(runs * 0.5)], p99: times[Math.min(runs - 1, Math.floor(runs * 0.99))], runs };
}

export const fmt = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
