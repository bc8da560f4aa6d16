// Seeded randomness: every contender replays the very same "random" changes.

/** mulberry32: a tiny generator with good spread; returns floats in [0, 1). */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export const below = (rng, n) => Math.floor(rng() * n);

/** One element of `list`. */
export const oneOf = (rng, list) => list[below(rng, list.length)];

const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango'.split(' ');

/** A short sentence of `count` words. */
export const words = (rng, count) => Array.from({ length: count }, () => oneOf(rng, WORDS)).join(' ');
