import { describe, expect, it } from 'vitest';
import { ACTIONS, decodeUpdates, encodeUpdates, parseServerMessage, stringifyServerMessage, type AttributeChange, type Update } from '../src/index.js';

/** mulberry32: the same cases on every run. */
function seeded(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const PIECES = ['', 'x', '<li class="done">a</li>', '"quoted" \\ back', '<!--[3-->é 😀<!--]-->', '\n\t', '0', '[1,"a"]'];

function randomUpdates(random: (n: number) => number): Update[] {
  let timestamp = random(2) === 0 ? 0 : 1_700_000_000_000 + random(1e9);
  return Array.from({ length: random(8) }, () => {
    // Mostly one render's shared timestamp; sometimes a later or (clock skew) earlier one.
    if (random(4) === 0) timestamp += random(5000) - 1000;
    const update: Update = {
      fragment_id: ['0', '1', '3:42/7', '12:a%20b', ''][random(5)]!,
      action: ACTIONS[random(ACTIONS.length)]!,
      html: PIECES[random(PIECES.length)]!,
      timestamp,
    };
    if (update.action === 'attrs') {
      update.html = '';
      update.attrs = Array.from({ length: 1 + random(3) }, () => {
        const change: AttributeChange = { element: random(40), set: ['', 'class=done', 'checked title="a b"', 'data-x=\'"\''][random(4)]! };
        if (random(2) === 0) change.remove = ['checked', 'aria-pressed', 'x'].slice(random(3));
        return change;
      });
      return update;
    }
    if (random(3) === 0) update.ref = ['1:0', '', '2:k%2D1'][random(3)]!;
    // A stream's updates: lenient (1 or 2), inserts perhaps with a limit.
    if (random(3) === 0) update.stream = (1 + random(2)) as 1 | 2;
    if (update.stream && random(2) === 0) update.limit = 1 + random(100_000);
    return update;
  });
}

/** The bytes of the frame a batch goes out in. */
const frameBytes = (updates: Update[], seq = 1234) =>
  Buffer.byteLength(stringifyServerMessage({ type: 'updates', seq, batch: encodeUpdates(updates) }));

const NOW = 1_761_000_000_000;

describe('encodeUpdates / decodeUpdates', () => {
  it('round-trips every field of random updates, alone and through a parsed frame', () => {
    const random = seeded(6);
    for (let i = 0; i < 2000; i++) {
      const updates = randomUpdates(random);
      const batch = encodeUpdates(updates);
      expect(decodeUpdates(batch)).toStrictEqual(updates);
      const message = parseServerMessage(stringifyServerMessage({ type: 'updates', seq: i, batch }));
      expect(message).toStrictEqual({ type: 'updates', seq: i, batch });
    }
  });

  it('sends one timestamp for a render and leaves out field names, replace codes and empty html', () => {
    const render: Update[] = [
      { fragment_id: '1', action: 'replace', html: '42', timestamp: NOW },
      { fragment_id: '2:a', action: 'remove', html: '', timestamp: NOW },
      { fragment_id: '2:b', action: 'move_after', html: '', timestamp: NOW, ref: '2:c' },
      { fragment_id: '2:d', action: 'append', html: '<li>d</li>', timestamp: NOW },
    ];
    expect(encodeUpdates(render)).toEqual([NOW, ['1', '42'], ['2:a', 1], ['2:b', 5, '', '2:c'], ['2:d', 2, '<li>d</li>']]);
    expect(encodeUpdates([...render.slice(0, 1), { ...render[1]!, timestamp: NOW + 16 }])).toEqual([NOW, ['1', '42'], 16, ['2:a', 1]]);
    expect(encodeUpdates([])).toEqual([0]);
  });

  it('keeps one-item changes well under 150 B and a counter near 30 B on the wire', () => {
    const item = '<li class="todo done"><input type="checkbox" checked> milk</li>';
    expect(item.length).toBe(63);
    const toggle = frameBytes([{ fragment_id: '3:42', action: 'replace', html: item, timestamp: NOW }]);
    const counter = frameBytes([{ fragment_id: '1', action: 'replace', html: '1234', timestamp: NOW }]);
    const remove = frameBytes([{ fragment_id: '3:42', action: 'remove', html: '', timestamp: NOW }]);
    expect(toggle).toBeLessThanOrEqual(100);
    expect(counter).toBeLessThanOrEqual(36);
    expect(remove).toBeLessThanOrEqual(32);
  });
});

describe('stream updates on the wire', () => {
  const at = NOW;
  it('carry their mode in the action code and a limit last, ref or not', () => {
    const append: Update = { fragment_id: '2:9', action: 'append', html: '<li>x</li>', timestamp: at, stream: 1, limit: 50 };
    const after: Update = { fragment_id: '2:9', action: 'insert_after', html: '<li>x</li>', ref: '2:8', timestamp: at, stream: 1, limit: 3 };
    const replace: Update = { fragment_id: '2:9', action: 'replace', html: '<li>y</li>', timestamp: at, stream: 2 };
    const remove: Update = { fragment_id: '2:9', action: 'remove', html: '', timestamp: at, stream: 1 };
    expect(encodeUpdates([append, after, replace, remove])).toEqual([at, ['2:9', 10, '<li>x</li>', 50], ['2:9', 12, '<li>x</li>', '2:8', 3], ['2:9', 16, '<li>y</li>'], ['2:9', 9]]);
    expect(decodeUpdates(encodeUpdates([append, after, replace, remove]))).toEqual([append, after, replace, remove]);
  });

  it('are refused when malformed: a stream attrs, a code past the modes, a bad limit', () => {
    for (const entry of [['2:9', 15, []], ['2:9', 24, 'x'], ['2:9', 10, 'x', 0], ['2:9', 10, 'x', 1.5],  ['2:9', 12, 'x', 3, 3], ['2:9', 12, 'x', -1], ['2:9', 12, 'x', '2:8', 'y'], ['2:9', 10, 'x', '', 2, 1]]) {
      const frame = JSON.stringify([1, at, entry]);
      expect(parseServerMessage(frame), JSON.stringify(entry)).toMatchObject({ code: 'malformed' });
    }
  });
});
