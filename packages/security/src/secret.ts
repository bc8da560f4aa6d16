import { hkdfSync } from 'node:crypto';
import { isCanonicalBase64url } from './base64url.js';
import { KeyError } from './key-error.js';

/** Raw bytes, or a string: its UTF-8 bytes, or binary spelled `base64url:<unpadded base64url>`. */
export type Secret = Uint8Array | string;

export const MIN_SECRET_BYTES = 32;
export const BASE64URL_PREFIX = 'base64url:';

/** HKDF-SHA256 parameters of the content key; documented in the README so other stacks can open tokens. */
export const HKDF_SALT = 'statetemplate/security';
export const HKDF_INFO = 'session-token dir+A256GCM v1';

function decodeBase64urlSecret(text: string, kid: string): Uint8Array {
  if (text.length === 0 || !isCanonicalBase64url(text)) {
    throw new KeyError('bad_encoding', `key "${kid}": the text after "${BASE64URL_PREFIX}" is not canonical unpadded base64url`);
  }
  return Buffer.from(text, 'base64url');
}

/** The secret's bytes, refusing anything under 32 bytes. */
export function secretBytes(secret: unknown, kid: string): Uint8Array {
  let bytes: Uint8Array;
  if (typeof secret === 'string') {
    bytes = secret.startsWith(BASE64URL_PREFIX)
      ? decodeBase64urlSecret(secret.slice(BASE64URL_PREFIX.length), kid)
      : Buffer.from(secret, 'utf8');
  } else if (secret instanceof Uint8Array) {
    bytes = secret;
  } else {
    throw new KeyError('bad_type', `key "${kid}": a secret must be a string or a Uint8Array`);
  }
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new KeyError(
      'too_short',
      `key "${kid}": the secret has ${bytes.byteLength} bytes, at least ${MIN_SECRET_BYTES} are required ` +
        `(for example 32 random bytes written as "${BASE64URL_PREFIX}" + base64url)`,
    );
  }
  return bytes;
}

/**
 * The 32-byte A256GCM key. Every secret goes through HKDF, whatever its
 * length: longer secrets count whole instead of being truncated, and the raw
 * secret is never used directly as an AES key.
 */
export function deriveContentKey(secret: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, HKDF_INFO, 32));
}
