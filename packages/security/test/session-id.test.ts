import { describe, expect, it } from 'vitest';
import { HEAVY_TEST_MS } from '@statetemplate/test-utils';
import { isSessionIdShape, newSessionId, SESSION_ID_LENGTH } from '../src/index.js';

describe('session ids', () => {
  it('carry at least 126 bits of entropy (22 symbols of a 64-letter alphabet)', () => {
    expect(SESSION_ID_LENGTH * Math.log2(64)).toBeGreaterThanOrEqual(126);
    const id = newSessionId();
    expect(id).toHaveLength(SESSION_ID_LENGTH);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('do not repeat over many draws', { timeout: HEAVY_TEST_MS }, () => {
    const ids = new Set(Array.from({ length: 20_000 }, newSessionId));
    expect(ids.size).toBe(20_000);
  });

  it('use every symbol of the alphabet, so none of the entropy is lost', { timeout: HEAVY_TEST_MS }, () => {
    const symbols = new Set(Array.from({ length: 2_000 }, newSessionId).join(''));
    expect(symbols.size).toBe(64);
  });

  it('pass the shape check, which refuses garbage of any type', () => {
    expect(isSessionIdShape(newSessionId())).toBe(true);
    const garbage: unknown[] = [
      '',
      'a'.repeat(21),
      'a'.repeat(23),
      `${'a'.repeat(21)}=`,
      `${'a'.repeat(21)}+`,
      `${'a'.repeat(21)}\n`,
      `${'a'.repeat(21)}é`,
      ` ${'a'.repeat(21)}`,
      22,
      null,
      undefined,
      { toString: () => 'a'.repeat(22) },
      ['a'.repeat(22)],
    ];
    for (const value of garbage) expect(isSessionIdShape(value)).toBe(false);
  });
});
