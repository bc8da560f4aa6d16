import { describe, expect, it } from 'vitest';
import { StoreError, type JsonValue } from '@statetemplate/store';
import { ChunkCodec } from '../src/chunks.js';

/** Decodes with a fresh codec, as another instance would, from the chunks `encode` reached. */
function roundTrip(data: JsonValue): JsonValue {
  const { root, chunks } = new ChunkCodec().encode(data);
  const texts = new Map([...chunks].map(([key, content]) => [key, content()]));
  return new ChunkCodec().decode(root, (key) => texts.get(key));
}

/** Deterministic pseudo-random JSON: nested objects and arrays, strings that look like references. */
function randomJson(seed: number, depth = 0): JsonValue {
  let s = seed;
  const next = (n: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31), Math.floor((s / 2 ** 31) * n));
  const pick = next(depth > 3 ? 4 : 7);
  if (pick === 0) return next(1000) - 500;
  if (pick === 1) return ['~c', '~p', '~~x', '~', 'plain', '', 'é"\\'][next(7)]!;
  if (pick === 2) return next(2) === 0;
  if (pick === 3) return null;
  if (pick === 4 || pick === 5) return Array.from({ length: next(pick === 4 ? 5 : 90) }, (_, i) => randomJson(s + i * 7919, depth + 1));
  return Object.fromEntries(Array.from({ length: next(8) }, (_, i) => [`k${next(20)}`, randomJson(s + i * 104729, depth + 1)]));
}

describe('ChunkCodec: record data as content-addressed chunks', () => {
  it('round-trips JSON data exactly as JSON.stringify would, reference-looking strings included', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const data = randomJson(seed);
      expect(roundTrip(data)).toEqual(JSON.parse(JSON.stringify(data)));
    }
    const odd = { a: undefined, b: () => 1, c: [undefined, NaN, -0], d: new Date(0), e: [, 1] } as unknown as JsonValue;
    expect(roundTrip(odd)).toEqual(JSON.parse(JSON.stringify(odd)));
  });

  it('refuses what JSON cannot hold', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [cyclic, { n: 1n }, undefined]) expect(() => new ChunkCodec().encode(bad as JsonValue)).toThrow(StoreError);
  });

  it('writes only what changed: one item of a 1,000-item list is a few small chunks', () => {
    const codec = new ChunkCodec();
    const items = Array.from({ length: 1000 }, (_, id) => ({ id, text: `a todo of some length, number ${id}`, done: false, tags: ['x', 'y'] }));
    const before = { state: { items, title: 'list' }, seq: 1 };
    const first = codec.encode(before);
    const written = new Set(first.chunks.keys());
    // A new version shares everything but the changed item and the objects above it.
    const changed = [...items];
    changed[500] = { ...items[500]!, done: true };
    const after = { state: { ...before.state, items: changed }, seq: 2 };
    const second = codec.encode(after);
    const added = [...second.chunks].filter(([key]) => !written.has(key));
    const bytes = added.reduce((sum, [, content]) => sum + content().length, 0) + second.root.length;
    expect(added.length).toBeLessThanOrEqual(6);
    expect(bytes).toBeLessThan(4096);
    // An append and an insert at the front change a page or two, not the list.
    const appended = codec.encode({ ...after, state: { ...after.state, items: [{ id: -1, text: 'new first', done: false, tags: [] }, ...changed] } });
    expect([...appended.chunks.keys()].filter((key) => !second.chunks.has(key)).length).toBeLessThanOrEqual(6);
    const texts = new Map([...second.chunks].map(([key, content]) => [key, content()]));
    expect(new ChunkCodec().decode(second.root, (key) => texts.get(key))).toEqual(after);
  });
});
