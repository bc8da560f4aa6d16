import { hkdfSync, randomBytes } from 'node:crypto';
import { CompactEncrypt, type CompactJWEHeaderParameters, type EncryptOptions } from 'jose';
import { expect } from 'vitest';
import { TokenError, type TokenErrorCode } from '../src/index.js';

/** A fresh 32-byte random secret in the documented `base64url:` spelling. */
export function randomSecret(): string {
  return `base64url:${randomBytes(32).toString('base64url')}`;
}

/** The content key exactly as the README documents it, computed independently of the package. */
export function documentedContentKey(secret: string): Uint8Array {
  const bytes = secret.startsWith('base64url:') ? Buffer.from(secret.slice(10), 'base64url') : Buffer.from(secret, 'utf8');
  return new Uint8Array(hkdfSync('sha256', bytes, 'statetemplate/security', 'session-token dir+A256GCM v1', 32));
}

/** A JWE compact token made by jose itself, for forging payloads and headers with a real key. */
export function joseToken(key: Uint8Array, header: CompactJWEHeaderParameters, payload: unknown, options?: EncryptOptions): Promise<string> {
  const bytes = new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return new CompactEncrypt(bytes).setProtectedHeader(header).encrypt(key, options);
}

/** Awaits a refusal and returns the TokenError, failing unless its code is one of `codes`. */
export async function refusal(attempt: Promise<unknown>, ...codes: TokenErrorCode[]): Promise<TokenError> {
  const error = await attempt.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TokenError);
  const tokenError = error as TokenError;
  expect(codes).toContain(tokenError.code);
  return tokenError;
}
