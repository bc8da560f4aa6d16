import { describe, expect, it } from 'vitest';
import { backoff } from '../src/backoff.js';

describe('backoff', () => {
  it('doubles from min up to max, spread over the upper half of each step by jitter', () => {
    const low = (attempt: number) => backoff(attempt, 100, 1000, () => 0);
    const high = (attempt: number) => backoff(attempt, 100, 1000, () => 1);
    expect([0, 1, 2, 3, 4, 10].map(low)).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 10].map(high)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('gives clients cut off together different delays', () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoff(3, 100, 10_000)));
    expect(delays.size).toBeGreaterThan(1);
    for (const delay of delays) expect(delay >= 400 && delay <= 800).toBe(true);
  });
});
