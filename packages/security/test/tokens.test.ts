import { compactDecrypt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { newSessionId, TokenManager } from '../src/index.js';
import { documentedContentKey, randomSecret, refusal } from './helpers.js';

const T0 = Date.UTC(2030, 0, 1);

/** A manager on a hand-moved clock, so expiry is tested without waiting. */
function clocked(options: { ttl?: number; clockTolerance?: number } = {}) {
  const clock = { now: T0 };
  const secret = randomSecret();
  const manager = new TokenManager({ keys: secret, ...options, clock: () => clock.now });
  return { clock, manager, secret };
}

describe('issuing and validating tokens', () => {
  it('returns the claims it issued: sid, iat, exp, nonce and client', async () => {
    const { manager } = clocked({ ttl: 60_000 });
    const sessionId = newSessionId();
    const claims = await manager.validateToken(await manager.generateToken(sessionId, { client: 'ua:3f2a' }));
    expect(claims).toEqual({ sid: sessionId, iat: T0 / 1000, exp: T0 / 1000 + 60, nonce: expect.stringMatching(/^[\w-]{16}$/), client: 'ua:3f2a' });
  });

  it('omits the client claim when the token is unbound', async () => {
    const { manager } = clocked();
    const claims = await manager.validateToken(await manager.generateToken(newSessionId()));
    expect(claims).not.toHaveProperty('client');
  });

  it('produces a standard JWE compact token that jose opens with the documented HKDF key', async () => {
    const { manager, secret } = clocked();
    const sessionId = newSessionId();
    const token = await manager.generateToken(sessionId);
    expect(token.split('.')).toHaveLength(5);
    expect(token.split('.')[1]).toBe('');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'dir', enc: 'A256GCM', kid: 'default' });
    const { plaintext } = await compactDecrypt(token, documentedContentKey(secret), {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
    });
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toMatchObject({ sid: sessionId });
  });

  it('keeps the claims secret: neither the session id nor the client is readable in the token', async () => {
    const { manager } = clocked();
    const sessionId = newSessionId();
    const token = await manager.generateToken(sessionId, { client: 'visible?' });
    expect(token).not.toContain(sessionId);
    for (const segment of token.split('.')) {
      const decoded = Buffer.from(segment, 'base64url').toString('latin1');
      expect(decoded).not.toContain(sessionId);
      expect(decoded).not.toContain('visible?');
    }
  });

  it('never issues the same token twice for a session (random nonce and IV)', async () => {
    const { manager } = clocked();
    const sessionId = newSessionId();
    const tokens = await Promise.all(Array.from({ length: 200 }, () => manager.generateToken(sessionId)));
    expect(new Set(tokens).size).toBe(200);
    const ivs = tokens.map((token) => token.split('.')[2]);
    expect(new Set(ivs).size).toBe(200);
  });

  it('refuses to issue tokens for ids that are not session ids, or with a bad client value', async () => {
    const { manager } = clocked();
    for (const id of ['', 'short', 'x'.repeat(23), 42 as unknown as string]) await refusal(manager.generateToken(id), 'malformed');
    for (const client of ['', 'x'.repeat(257), 7 as unknown as string]) {
      await refusal(manager.generateToken(newSessionId(), { client }), 'malformed');
    }
    await expect(manager.generateToken(newSessionId(), { ttl: 10 })).rejects.toBeInstanceOf(RangeError);
  });
});

/** Proves a token is accepted at T0 + lastAccepted and refused as expired one millisecond later. */
async function expectLastAcceptedAt(lastAccepted: number, options: { ttl: number; clockTolerance: number }, tokenTtl?: number) {
  const { clock, manager } = clocked(options);
  const token = await manager.generateToken(newSessionId(), tokenTtl === undefined ? {} : { ttl: tokenTtl });
  clock.now = T0 + lastAccepted;
  await expect(manager.validateToken(token)).resolves.toBeDefined();
  clock.now = T0 + lastAccepted + 1;
  await refusal(manager.validateToken(token), 'expired');
}

describe('expiry and clocks', () => {
  it('accepts a token until its ttl has passed, then refuses it as expired', async () => {
    await expectLastAcceptedAt(59_999, { ttl: 60_000, clockTolerance: 0 });
  });

  it('allows the clock tolerance after expiry and not a millisecond more', async () => {
    await expectLastAcceptedAt(64_999, { ttl: 60_000, clockTolerance: 5_000 });
  });

  it('honours a per-token ttl over the manager’s', async () => {
    await expectLastAcceptedAt(1_999, { ttl: 3_600_000, clockTolerance: 0 }, 2_000);
  });

  it('refuses a token issued further in the future than the tolerance (a skewed or forged clock)', async () => {
    const { clock, manager } = clocked({ clockTolerance: 5_000 });
    const token = await manager.generateToken(newSessionId());
    clock.now = T0 - 5_000;
    await expect(manager.validateToken(token)).resolves.toBeDefined();
    clock.now = T0 - 5_001;
    await refusal(manager.validateToken(token), 'invalid');
  });
});

describe('validateAccess', () => {
  it('opens the session the token was issued for', async () => {
    const { manager } = clocked();
    const sessionId = newSessionId();
    const token = await manager.generateToken(sessionId);
    await expect(manager.validateAccess(sessionId, token)).resolves.toMatchObject({ sid: sessionId });
  });

  it('refuses a token of session A presented for session B', async () => {
    const { manager } = clocked();
    const [a, b] = [newSessionId(), newSessionId()];
    const tokenA = await manager.generateToken(a);
    const error = await refusal(manager.validateAccess(b, tokenA), 'wrong_session');
    expect(error.message).not.toContain(a);
  });

  it('refuses garbage session ids before any decryption', async () => {
    const { manager } = clocked();
    const token = await manager.generateToken(newSessionId());
    for (const id of ['', '../etc/passwd', 'x'.repeat(10_000), null as unknown as string]) {
      await refusal(manager.validateAccess(id, token), 'wrong_session');
    }
  });

  it('refuses a client-bound token presented by another client, or with no client', async () => {
    const { manager } = clocked();
    const sessionId = newSessionId();
    const token = await manager.generateToken(sessionId, { client: 'ua:1' });
    await expect(manager.validateAccess(sessionId, token, { client: 'ua:1' })).resolves.toMatchObject({ client: 'ua:1' });
    await refusal(manager.validateAccess(sessionId, token, { client: 'ua:2' }), 'wrong_client');
    await refusal(manager.validateAccess(sessionId, token, { client: 'ua:1 ' }), 'wrong_client');
    await refusal(manager.validateAccess(sessionId, token), 'wrong_client');
  });

  it('refuses an unbound token when the request expects a client binding', async () => {
    const { manager } = clocked();
    const sessionId = newSessionId();
    const token = await manager.generateToken(sessionId);
    await refusal(manager.validateAccess(sessionId, token, { client: 'ua:1' }), 'wrong_client');
  });

  it('refuses request client values that no token could carry (empty, too long, not a string)', async () => {
    const { manager } = clocked();
    const sessionId = newSessionId();
    const token = await manager.generateToken(sessionId);
    for (const client of ['', 'x'.repeat(257), 42 as unknown as string]) {
      await refusal(manager.validateAccess(sessionId, token, { client }), 'wrong_client');
    }
  });

  it('reports an expired token as expired, even when presented for another session', async () => {
    const { clock, manager } = clocked({ ttl: 1_000, clockTolerance: 0 });
    const token = await manager.generateToken(newSessionId());
    clock.now = T0 + 1_000;
    await refusal(manager.validateAccess(newSessionId(), token), 'expired');
  });
});
