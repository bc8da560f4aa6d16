/**
 * Milliseconds to wait before reconnect attempt `attempt` (0 first): doubling
 * from `min` up to `max`, then "equal jitter" (a random half on top of half)
 * so that clients cut off together do not all come back at once.
 */
export function backoff(attempt: number, min: number, max: number, random: () => number = Math.random): number {
  const ceiling = Math.min(max, min * 2 ** attempt);
  return ceiling / 2 + (random() * ceiling) / 2;
}
