import { errors, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_TOKEN_LENGTH, newSessionId, TokenManager } from '../src/index.js';
import { documentedContentKey, joseToken, randomSecret, refusal } from './helpers.js';

const secret = randomSecret();
const contentKey = documentedContentKey(secret);
// A clock that stands still: claim times are relative to it, never to how long the tests take.
const NOW_MS = Date.UTC(2030, 0, 1);
/** NOW_MS as a claim's NumericDate (whole seconds). */
const NOW = NOW_MS / 1000;
const manager = new TokenManager({ keys: secret, clock: () => NOW_MS });
const HEADER = { alg: 'dir', enc: 'A256GCM', kid: 'default' } as const;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function liveClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { sid: newSessionId(), iat: NOW, exp: NOW + 3600, nonce: 'n'.repeat(16), ...overrides };
}

function segments(token: string): string[] {
  return token.split('.');
}

function withSegment(token: string, index: number, value: string): string {
  const parts = segments(token);
  parts[index] = value;
  return parts.join('.');
}

describe('refusing altered tokens', () => {
  let sessionId: string;
  let token: string;
  beforeAll(async () => {
    sessionId = newSessionId();
    token = await manager.generateToken(sessionId, { client: 'ua' });
  });

  it('accepts the untouched token (the control for every case below)', async () => {
    await expect(manager.validateAccess(sessionId, token, { client: 'ua' })).resolves.toMatchObject({ sid: sessionId });
  });

  it('refuses the token with any single character replaced by another base64url symbol', async () => {
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const next = BASE64URL[(BASE64URL.indexOf(token[i] as string) + 1) % 64] as string;
      await refusal(manager.validateToken(token.slice(0, i) + next + token.slice(i + 1)), 'malformed', 'invalid');
    }
  });

  it('refuses the token with the low bit of any byte flipped', async () => {
    const bytes = Buffer.from(token, 'latin1');
    for (let i = 0; i < bytes.length; i++) {
      const flipped = Buffer.from(bytes);
      flipped[i] = (flipped[i] as number) ^ 1;
      await refusal(manager.validateToken(flipped.toString('latin1')), 'malformed', 'invalid');
    }
  });

  it('refuses every truncation, from either end', async () => {
    for (let length = 0; length < token.length; length++) {
      await refusal(manager.validateToken(token.slice(0, length)), 'malformed', 'invalid');
      await refusal(manager.validateToken(token.slice(token.length - length)), 'malformed', 'invalid');
    }
  });

  it('refuses the token with anything appended', async () => {
    for (const suffix of ['A', '.', '=', '\n', ' ', '.AAAA']) await refusal(manager.validateToken(token + suffix), 'malformed');
  });

  it('refuses any segment re-encoded with base64 padding', async () => {
    for (let index = 0; index < 5; index++) {
      for (const padding of ['=', '==']) {
        const value = segments(token)[index] as string;
        await refusal(manager.validateToken(withSegment(token, index, value + padding)), 'malformed');
      }
    }
  });

  it('refuses a token re-encoded in the standard base64 alphabet', async () => {
    let sample = token;
    while (!/[-_]/.test(sample)) sample = await manager.generateToken(sessionId);
    await refusal(manager.validateToken(sample.replaceAll('-', '+').replaceAll('_', '/')), 'malformed');
  });

  it('refuses a segment re-spelled with non-zero spare bits, although it decodes to the same bytes', async () => {
    const tag = segments(token)[4] as string; // 22 symbols for 16 bytes: the last one has 4 spare bits
    const last = BASE64URL.indexOf(tag.slice(-1));
    const respelled = tag.slice(0, -1) + BASE64URL[last | 1];
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(tag, 'base64url'));
    await refusal(manager.validateToken(withSegment(token, 4, respelled)), 'malformed');
  });

  it('refuses the protected header re-serialized (other key order or spacing), which changes the authenticated data', async () => {
    for (const json of ['{"enc":"A256GCM","alg":"dir","kid":"default"}', '{ "alg": "dir", "enc": "A256GCM", "kid": "default" }']) {
      await refusal(manager.validateToken(withSegment(token, 0, Buffer.from(json).toString('base64url'))), 'invalid');
    }
  });

  it('refuses non-strings, oversized strings and strings of dots without work', async () => {
    for (const value of [undefined, null, 42, {}, [token], Buffer.from(token), new TextEncoder().encode(token)]) {
      await refusal(manager.validateToken(value), 'malformed');
    }
    await refusal(manager.validateToken('a'.repeat(MAX_TOKEN_LENGTH + 1)), 'malformed');
    await refusal(manager.validateToken('.'.repeat(1_000_000)), 'malformed');
  });
});

describe('refusing tokens that are not ours', () => {
  it('refuses a token made with another key of the same kid', async () => {
    const other = new TokenManager({ keys: randomSecret() });
    const error = await refusal(manager.validateToken(await other.generateToken(newSessionId())), 'invalid');
    expect(error.cause).toBeInstanceOf(errors.JWEDecryptionFailed);
  });

  it('refuses an unsigned alg:none JWT', async () => {
    const unsecured = new UnsecuredJWT(liveClaims()).encode();
    await refusal(manager.validateToken(unsecured), 'malformed');
  });

  it('refuses a JWE-shaped token whose header says alg:none, by jose’s algorithm allow-list', async () => {
    const [, ...rest] = segments(await manager.generateToken(newSessionId()));
    const header = Buffer.from(JSON.stringify({ alg: 'none', enc: 'A256GCM', kid: 'default' })).toString('base64url');
    const error = await refusal(manager.validateToken([header, ...rest].join('.')), 'invalid');
    expect(error.cause).toBeInstanceOf(errors.JOSEAlgNotAllowed);
  });

  it('refuses an HS256 JWS signed with the very same key', async () => {
    const signed = await new SignJWT(liveClaims()).setProtectedHeader({ alg: 'HS256', kid: 'default' }).sign(contentKey);
    await refusal(manager.validateToken(signed), 'malformed');
  });

  it('refuses a JWE with enc A128GCM, by jose’s encryption allow-list, without exposing jose’s message', async () => {
    const forged = await joseToken(contentKey.subarray(0, 16), { ...HEADER, enc: 'A128GCM' }, liveClaims());
    const error = await refusal(manager.validateToken(forged), 'invalid');
    expect(error.cause).toBeInstanceOf(errors.JOSEAlgNotAllowed);
    expect(error.message).toBe('token could not be decrypted');
    expect(error.message).not.toBe((error.cause as Error).message);
  });

  it('refuses a JWE whose key is wrapped (A256KW) instead of direct', async () => {
    const forged = await joseToken(contentKey, { alg: 'A256KW', enc: 'A256GCM', kid: 'default' }, liveClaims());
    await refusal(manager.validateToken(forged), 'malformed');
  });

  it('refuses a token naming an unknown kid, or none', async () => {
    const unknown = await refusal(manager.validateToken(await joseToken(contentKey, { ...HEADER, kid: 'retired' }, liveClaims())), 'invalid');
    expect(unknown.message).toMatch(/unknown key/);
    await refusal(manager.validateToken(await joseToken(contentKey, { alg: 'dir', enc: 'A256GCM' }, liveClaims())), 'invalid');
  });

  it('refuses compressed (zip) and critical-extension headers', async () => {
    const zipped = await joseToken(contentKey, { ...HEADER, zip: 'DEF' }, liveClaims());
    expect((await refusal(manager.validateToken(zipped), 'invalid')).cause).toBeInstanceOf(errors.JOSENotSupported);
    const critical = await joseToken(contentKey, { ...HEADER, crit: ['x-unknown'], 'x-unknown': true }, liveClaims(), {
      crit: { 'x-unknown': true },
    });
    await refusal(manager.validateToken(critical), 'invalid');
  });
});

describe('refusing authentic tokens with bad claims', () => {
  it('accepts a jose-made token with well-formed claims (the control for the cases below)', async () => {
    const claims = liveClaims();
    await expect(manager.validateToken(await joseToken(contentKey, HEADER, claims))).resolves.toEqual(claims);
  });

  it('refuses a token missing any required claim', async () => {
    for (const claim of ['sid', 'iat', 'exp', 'nonce']) {
      const claims = liveClaims();
      delete claims[claim];
      await refusal(manager.validateToken(await joseToken(contentKey, HEADER, claims)), 'invalid');
    }
  });

  it('refuses claims of the wrong type or shape', async () => {
    const bad: Record<string, unknown>[] = [
      { sid: 123 },
      { sid: 'not-a-session-id' },
      { iat: String(NOW) },
      { iat: NOW + 0.5 },
      { exp: null },
      { exp: String(NOW + 3600) },
      { exp: NOW, iat: NOW },
      { nonce: 7 },
      { nonce: '' },
      { client: 5 },
      { client: '' },
      { client: 'x'.repeat(257) },
    ];
    for (const overrides of bad) await refusal(manager.validateToken(await joseToken(contentKey, HEADER, liveClaims(overrides))), 'invalid');
  });

  it('refuses payloads that are not a JSON object', async () => {
    for (const payload of ['not json', '[]', 'null', '"sid"', '42']) {
      await refusal(manager.validateToken(await joseToken(contentKey, HEADER, payload)), 'invalid');
    }
  });

  it('refuses an authentic token already expired or issued in the future', async () => {
    await refusal(manager.validateToken(await joseToken(contentKey, HEADER, liveClaims({ iat: NOW - 7200, exp: NOW - 3600 }))), 'expired');
    await refusal(manager.validateToken(await joseToken(contentKey, HEADER, liveClaims({ iat: NOW + 3600, exp: NOW + 7200 }))), 'invalid');
  });
});
