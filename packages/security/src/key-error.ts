/**
 * What is wrong with the configured keys:
 * - `bad_type`: a secret that is neither a string nor a Uint8Array, or `keys` of another type;
 * - `bad_encoding`: a `base64url:` secret that is not canonical base64url;
 * - `too_short`: a secret under 32 bytes;
 * - `bad_kid` / `duplicate_kid`: a key id that is not 1–64 of `[A-Za-z0-9._-]`, or repeats;
 * - `no_keys`: an empty key set.
 */
export type KeyErrorCode = 'bad_type' | 'bad_encoding' | 'too_short' | 'bad_kid' | 'duplicate_kid' | 'no_keys';

/** Thrown at construction for a key configuration that cannot be used safely. Messages never contain secrets. */
export class KeyError extends Error {
  override readonly name = 'KeyError';
  constructor(
    readonly code: KeyErrorCode,
    message: string,
  ) {
    super(message);
  }
}
