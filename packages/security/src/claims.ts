import { nanoid } from 'nanoid';
import { isSessionIdShape } from './session-id.js';
import { TokenError } from './token-error.js';

/** What a token carries. Times are JWT NumericDates: whole seconds since the epoch. */
export interface TokenClaims {
  /** The session the token opens. */
  sid: string;
  iat: number;
  exp: number;
  /** Random per token. */
  nonce: string;
  /** Opaque binding chosen by the app (e.g. a user-agent hash or client id); absent when unbound. */
  client?: string;
}

export const MAX_CLIENT_LENGTH = 256;
const NONCE_LENGTH = 16;
const NONCE_SHAPE = /^[A-Za-z0-9_-]{16,64}$/;

export function isClientShape(client: unknown): client is string {
  return typeof client === 'string' && client.length > 0 && client.length <= MAX_CLIENT_LENGTH;
}

/** Claims for a new token; `ttl` is in milliseconds and the expiry never exceeds it. */
export function issueClaims(sid: string, now: number, ttl: number, client: string | undefined): TokenClaims {
  const claims: TokenClaims = {
    sid,
    iat: Math.floor(now / 1000),
    exp: Math.floor((now + ttl) / 1000),
    nonce: nanoid(NONCE_LENGTH),
  };
  if (client !== undefined) claims.client = client;
  return claims;
}

function invalid(message: string, cause?: unknown): TokenError {
  return new TokenError('invalid', message, { cause });
}

function parseObject(plaintext: Uint8Array): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength).toString('utf8'));
  } catch (cause) {
    throw invalid('token payload is not JSON', cause);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid('token payload is not a claims object');
  return parsed as Record<string, unknown>;
}

/**
 * The checked claims of a decrypted payload: every claim present with its
 * type, and the token live at `now` give or take `tolerance` (both in ms).
 */
export function readClaims(plaintext: Uint8Array, now: number, tolerance: number): TokenClaims {
  const { sid, iat, exp, nonce, client } = parseObject(plaintext);
  if (!isSessionIdShape(sid)) throw invalid('token has no valid sid claim');
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) throw invalid('token has no valid iat and exp claims');
  const issuedAt = iat as number;
  const expiresAt = exp as number;
  if (expiresAt <= issuedAt) throw invalid('token expires before it was issued');
  if (typeof nonce !== 'string' || !NONCE_SHAPE.test(nonce)) throw invalid('token has no valid nonce claim');
  if (client !== undefined && !isClientShape(client)) throw invalid('token has an invalid client claim');
  if (issuedAt * 1000 > now + tolerance) throw invalid('token was issued in the future');
  if (expiresAt * 1000 <= now - tolerance) throw new TokenError('expired', 'token has expired');
  return client === undefined ? { sid, iat: issuedAt, exp: expiresAt, nonce } : { sid, iat: issuedAt, exp: expiresAt, nonce, client };
}
