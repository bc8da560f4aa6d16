// Small statistics over samples.

/** The q-quantile (0..1) of ascending-sorted numbers. */
export const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

export const ascending = (values) => Float64Array.from(values).sort();

/** Rounds to `digits` significant digits, for JSON that stays readable. */
export const round = (value, digits = 3) => Number(value.toPrecision(digits));

/** CPU µs (user + system, all threads) spent since `start` = process.cpuUsage(). */
export function cpuSince(start) {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}
