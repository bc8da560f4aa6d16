import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyError, newSessionId, TokenManager, type KeyErrorCode, type TokenManagerOptions } from '../src/index.js';
import { randomSecret, refusal } from './helpers.js';

function keyErrorOf(options: TokenManagerOptions): KeyError {
  try {
    new TokenManager(options);
  } catch (error) {
    expect(error).toBeInstanceOf(KeyError);
    return error as KeyError;
  }
  throw new Error('the TokenManager was constructed');
}

function expectKeyError(keys: unknown, code: KeyErrorCode): KeyError {
  const error = keyErrorOf({ keys } as TokenManagerOptions);
  expect(error.code).toBe(code);
  return error;
}

describe('key configuration', () => {
  it('refuses secrets under 32 bytes, counting UTF-8 bytes rather than characters', () => {
    expectKeyError('x'.repeat(31), 'too_short');
    expectKeyError('é'.repeat(15), 'too_short'); // 15 characters, 30 bytes
    expectKeyError(new Uint8Array(31), 'too_short');
    expectKeyError(`base64url:${randomBytes(31).toString('base64url')}`, 'too_short');
    expect(() => new TokenManager({ keys: 'é'.repeat(16) })).not.toThrow(); // 32 bytes
    expect(() => new TokenManager({ keys: randomBytes(32) })).not.toThrow();
    expect(() => new TokenManager({ keys: randomSecret() })).not.toThrow();
  });

  it('says how long the secret was and what is needed, without revealing it', () => {
    const error = expectKeyError('hunter2-but-not-long-enough', 'too_short');
    expect(error.message).toContain('27 bytes');
    expect(error.message).toContain('at least 32');
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses base64url secrets that are padded, use the base64 alphabet or are not canonical', () => {
    const text = randomBytes(33).toString('base64url'); // 44 symbols, no spare bits
    expectKeyError(`base64url:${text}=`, 'bad_encoding');
    expectKeyError(`base64url:${text.slice(0, 43)}+`, 'bad_encoding');
    expectKeyError(`base64url:${text.slice(0, 42)} `, 'bad_encoding');
    expectKeyError('base64url:', 'bad_encoding');
    const thirtyTwo = Buffer.alloc(32, 0).toString('base64url'); // 43 symbols ending in 2 spare bits
    expectKeyError(`base64url:${thirtyTwo.slice(0, 42)}B`, 'bad_encoding');
  });

  it('refuses keys that are neither strings, byte arrays nor key sets', () => {
    expectKeyError(42, 'bad_type');
    expectKeyError({ kid: 'a', secret: randomSecret() }, 'bad_type');
    expectKeyError([{ kid: 'a', secret: 42 }], 'bad_type');
    expectKeyError([null], 'bad_type');
  });

  it('refuses empty key sets, malformed key ids and repeated key ids', () => {
    expectKeyError([], 'no_keys');
    for (const kid of ['', 'has space', 'x'.repeat(65), 'quote"', 7]) expectKeyError([{ kid, secret: randomSecret() }], 'bad_kid');
    expectKeyError(
      [
        { kid: 'a', secret: randomSecret() },
        { kid: 'a', secret: randomSecret() },
      ],
      'duplicate_kid',
    );
  });

  it('checks every entry of a key set, not only the newest', () => {
    expectKeyError(
      [
        { kid: 'new', secret: randomSecret() },
        { kid: 'old', secret: 'short' },
      ],
      'too_short',
    );
  });

  it('uses long secrets whole: secrets sharing their first 32 bytes open different tokens', async () => {
    const prefix = randomBytes(32).toString('base64url');
    const first = new TokenManager({ keys: `${prefix}-first` });
    const second = new TokenManager({ keys: `${prefix}-second` });
    const sessionId = newSessionId();
    const token = await first.generateToken(sessionId);
    await expect(first.validateToken(token)).resolves.toMatchObject({ sid: sessionId });
    await refusal(second.validateToken(token), 'invalid');
  });

  it('treats a string secret and its base64url spelling as the same key', async () => {
    const bytes = randomBytes(48);
    const raw = new TokenManager({ keys: bytes });
    const spelled = new TokenManager({ keys: `base64url:${bytes.toString('base64url')}` });
    const sessionId = newSessionId();
    await expect(spelled.validateToken(await raw.generateToken(sessionId))).resolves.toMatchObject({ sid: sessionId });
  });

  it('is not affected when the caller later overwrites the secret bytes it passed', async () => {
    const bytes = randomBytes(32);
    const manager = new TokenManager({ keys: bytes });
    const token = await manager.generateToken(newSessionId());
    bytes.fill(0);
    await expect(manager.validateToken(token)).resolves.toBeDefined();
  });

  it('refuses non-integer or too small durations with a RangeError', () => {
    const keys = randomSecret();
    expect(() => new TokenManager({ keys, ttl: 999 })).toThrow(RangeError);
    expect(() => new TokenManager({ keys, ttl: Number.NaN })).toThrow(RangeError);
    expect(() => new TokenManager({ keys, clockTolerance: -1 })).toThrow(RangeError);
    expect(() => new TokenManager({ keys, clockTolerance: 0.5 })).toThrow(RangeError);
  });
});
