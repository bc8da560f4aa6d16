import { describe, expect, it } from 'vitest';
import { listKeys, planList } from '../src/keys.js';

const plan = (from: string, to: string) => {
  const p = planList([...from], [...to]);
  return p && { removed: p.removed.map((at) => from[at]).join(''), from: [...p.from], moves: [...p.moves].map((m, i) => (m ? to[i] : '')).join('') };
};

describe('list keys', () => {
  it('uses own keys when every item has a distinct one, else positions', () => {
    expect(listKeys([{ id: 1 }, { id: 'b' }], 'id')).toEqual(['1', 'b']);
    expect(listKeys([{ id: 1 }, {}], 'id')).toEqual(['0', '1']);
    expect(listKeys([{ id: 1 }, { id: '1' }], 'id')).toEqual(['0', '1']);
    expect(listKeys(['x', 'y'], 'id')).toEqual(['0', '1']);
  });
});

describe('planList', () => {
  it('keeps a common prefix and suffix in place', () => {
    expect(plan('abcd', 'abcde')).toEqual({ removed: '', from: [0, 1, 2, 3, -1], moves: '' });
    expect(plan('abcd', 'xabcd')).toEqual({ removed: '', from: [-1, 0, 1, 2, 3], moves: '' });
    expect(plan('abcd', 'abd')).toEqual({ removed: 'c', from: [0, 1, 3], moves: '' });
  });

  it('moves only the items off the longest increasing run', () => {
    expect(plan('abcdef', 'aecdbf')?.moves).toBe('eb');
    expect(plan('abcdef', 'fabcde')?.moves).toBe('f');
    expect(plan('abcdef', 'bcdefa')?.moves).toBe('a');
  });

  it('refuses new keys that repeat, wherever they sit', () => {
    expect(plan('abc', 'abca')).toBeNull(); // repeats a prefix key
    expect(plan('abc', 'xxabc')).toBeNull(); // two inserts
    expect(plan('abc', 'acbc')).toBeNull(); // repeats a middle key
    const many = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
    expect(planList(['a'], ['a', ...many, 'a'])).toBeNull(); // past the scanned-insert limit
    expect(planList(['a'], ['a', ...many])).not.toBeNull();
  });
});
