import { createSecretKey, webcrypto, type KeyObject } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { deriveContentKey } from './secret.js';

/** The only algorithms tokens are made with and opened with. */
export const TOKEN_ALG = 'dir';
export const TOKEN_ENC = 'A256GCM';

/**
 * One key, prepared once so no token operation imports or encodes anything:
 * the encoded protected header (also the AES-GCM additional data), a KeyObject
 * for encryption and a CryptoKey, imported on first use, for jose's decryption.
 */
export class TokenKey {
  readonly header: string;
  readonly additionalData: Buffer;
  readonly encryptionKey: KeyObject;
  readonly #raw: Buffer;
  #decryptionKey: Promise<CryptoKey> | undefined;

  constructor(
    readonly kid: string,
    secret: Uint8Array,
  ) {
    this.#raw = deriveContentKey(secret);
    this.encryptionKey = createSecretKey(this.#raw);
    this.header = Buffer.from(JSON.stringify({ alg: TOKEN_ALG, enc: TOKEN_ENC, kid })).toString('base64url');
    this.additionalData = Buffer.from(this.header, 'ascii');
  }

  decryptionKey(): Promise<CryptoKey> {
    this.#decryptionKey ??= webcrypto.subtle.importKey('raw', this.#raw, 'AES-GCM', false, ['decrypt']);
    return this.#decryptionKey;
  }
}
