import * as nodeCrypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { constantTimeEqual, newSessionId, TokenManager } from '../src/index.js';
import { randomSecret, refusal } from './helpers.js';

// Observe (without changing) node's timingSafeEqual, to prove the comparisons go through it.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof nodeCrypto>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});
const timingSafeEqual = vi.mocked(nodeCrypto.timingSafeEqual);

describe('constantTimeEqual', () => {
  beforeEach(() => {
    timingSafeEqual.mockClear();
  });

  it('is true exactly for equal strings', () => {
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('é✓', 'é✓')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'Abc')).toBe(false);
    expect(constantTimeEqual('e\u0301', 'é')).toBe(false);
  });

  it('refuses prefixes and zero-padded look-alikes although it pads to a common length', () => {
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('abcd', 'abc')).toBe(false);
    expect(constantTimeEqual('abc', 'abc\u0000')).toBe(false);
    expect(constantTimeEqual('', '\u0000')).toBe(false);
  });

  it('always runs timingSafeEqual on equal-length buffers, even when the lengths differ', () => {
    expect(constantTimeEqual('short', 'much longer')).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const [left, right] = timingSafeEqual.mock.calls[0] as [Buffer, Buffer];
    expect(left.length).toBe(right.length);
    expect(left.length).toBe('much longer'.length);
  });

  it('is what validateAccess uses to compare the session id and the client binding', async () => {
    const manager = new TokenManager({ keys: randomSecret() });
    const token = await manager.generateToken(newSessionId(), { client: 'ua-hash' });
    timingSafeEqual.mockClear();
    await refusal(manager.validateAccess(newSessionId(), token, { client: 'ua-hash' }), 'wrong_session');
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
  });
});
