import { describe, expect, it } from 'vitest';
import { defaultPrefix, keyLayout } from '../src/index.js';

/** Redis Cluster's slot of a key: CRC16-XMODEM of its hash tag (the first non-empty {…}) or of the whole key, mod 16384. */
function slot(key: string): number {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  const tagged = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(tagged)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16_384;
}

describe('the key layout', () => {
  it('computes slots as Redis does (the values CLUSTER KEYSLOT gives)', () => {
    expect([slot('foo'), slot('somekey'), slot('{user1000}.following'), slot('{user1000}.followers')]).toEqual([12182, 11058, 3443, 3443]);
  });

  it("puts a session's hash, its channel and its shard's expiry index in one slot", () => {
    const keys = keyLayout(defaultPrefix);
    for (let i = 0; i < 200; i++) {
      const id = `session-${i}`;
      expect(new Set([slot(keys.session(id)), slot(keys.expiry(id)), slot(keys.updates(id))]).size).toBe(1);
    }
  });

  it('spreads sessions over the shards and the shards over the slots', () => {
    const keys = keyLayout(defaultPrefix);
    const perShard = new Array<number>(keys.expiries.length).fill(0);
    for (let i = 0; i < 32_000; i++) perShard[keys.shard(`id-${i.toString(36)}-${(i * 7919) % 1000}`)]!++;
    expect(Math.min(...perShard)).toBeGreaterThan(800);
    expect(Math.max(...perShard)).toBeLessThan(1_200);
    // A 3-master cluster splits the slots in thirds: every master holds some shards.
    const thirds = new Set(keys.expiries.map((key) => Math.floor(slot(key) / (16_384 / 3))));
    expect(thirds.size).toBe(3);
  });

  it('refuses a prefix with braces, which would make another hash tag, and a bad shard count', () => {
    expect(() => keyLayout('app{1}:')).toThrow(TypeError);
    expect(() => keyLayout(defaultPrefix, 0)).toThrow(TypeError);
    expect(() => keyLayout(defaultPrefix, 1.5)).toThrow(TypeError);
  });
});
