import { EPHEMERAL_KEY_ID, ephemeralSecret } from './ephemeral-key.js';
import { KeyError } from './key-error.js';
import { secretBytes, type Secret } from './secret.js';
import { TokenKey } from './token-key.js';

/** One named secret; the `kid` travels in every token's (readable) protected header. */
export interface KeyEntry {
  kid: string;
  secret: Secret;
}

/** Keys for rotation: the first encrypts new tokens, all of them open tokens. */
export type KeySet = readonly KeyEntry[];

/** The kid of a key given as a bare secret; name it in a KeySet to keep its tokens valid after rotating. */
export const DEFAULT_KEY_ID = 'default';

const KID_SHAPE = /^[A-Za-z0-9._-]{1,64}$/;

function entryKey(entry: unknown, seen: Set<string>): TokenKey {
  if (typeof entry !== 'object' || entry === null) throw new KeyError('bad_type', 'each KeySet entry must be an object { kid, secret }');
  const { kid, secret } = entry as Partial<KeyEntry>;
  if (typeof kid !== 'string' || !KID_SHAPE.test(kid)) {
    throw new KeyError('bad_kid', 'a key id (kid) must be 1 to 64 characters of A-Z a-z 0-9 . _ -');
  }
  if (seen.has(kid)) throw new KeyError('duplicate_kid', `key id "${kid}" appears twice in the KeySet`);
  seen.add(kid);
  return new TokenKey(kid, secretBytes(secret, kid));
}

/** The configured keys, validated and prepared once at construction. */
export class KeyRing {
  readonly current: TokenKey;
  readonly #byKid: ReadonlyMap<string, TokenKey>;

  constructor(keys: Secret | KeySet | undefined) {
    const prepared = KeyRing.#prepare(keys);
    const [current] = prepared;
    if (current === undefined) throw new KeyError('no_keys', 'the KeySet is empty: give at least one { kid, secret }');
    this.current = current;
    this.#byKid = new Map(prepared.map((key) => [key.kid, key]));
  }

  static #prepare(keys: unknown): TokenKey[] {
    if (keys === undefined) return [new TokenKey(EPHEMERAL_KEY_ID, ephemeralSecret())];
    if (Array.isArray(keys)) {
      const seen = new Set<string>();
      return keys.map((entry: unknown) => entryKey(entry, seen));
    }
    return [new TokenKey(DEFAULT_KEY_ID, secretBytes(keys, DEFAULT_KEY_ID))];
  }

  /** The key a token names, or undefined for anything else. */
  find(kid: unknown): TokenKey | undefined {
    return typeof kid === 'string' ? this.#byKid.get(kid) : undefined;
  }
}
