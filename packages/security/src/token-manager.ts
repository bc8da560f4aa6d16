import { isClientShape, issueClaims, MAX_CLIENT_LENGTH, readClaims, type TokenClaims } from './claims.js';
import { constantTimeEqual } from './constant-time.js';
import { openCompact, sealCompact } from './jwe-compact.js';
import { KeyRing, type KeySet } from './key-ring.js';
import type { Secret } from './secret.js';
import { isSessionIdShape } from './session-id.js';
import { TokenError } from './token-error.js';

export interface TokenManagerOptions {
  /** A secret (kid "default") or a KeySet for rotation. Without it: a random per-process key and one warning. */
  keys?: Secret | KeySet;
  /** Token lifetime in milliseconds, at least 1000. Default 24 hours. */
  ttl?: number;
  /** Allowed clock skew between instances, in milliseconds. Default 5000. */
  clockTolerance?: number;
  /** Milliseconds since the epoch; defaults to Date.now. */
  clock?: () => number;
}

export interface GenerateTokenOptions {
  /** Binds the token to this opaque value; validateAccess must then be given the same one. */
  client?: string;
  /** Overrides the manager's ttl for this token (ms). */
  ttl?: number;
}

export interface ValidateAccessOptions {
  /** The client value of the current request, compared to the token's binding. */
  client?: string;
}

const DEFAULT_TTL = 24 * 60 * 60 * 1000;
const DEFAULT_CLOCK_TOLERANCE = 5000;
const MIN_TTL = 1000;

function duration(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be a whole number of milliseconds >= ${min}`);
  return value;
}

/** Issues and checks the encrypted tokens that open one session each. */
export class TokenManager {
  readonly #keys: KeyRing;
  readonly #ttl: number;
  readonly #tolerance: number;
  readonly #clock: () => number;

  /** Throws KeyError for unusable keys and RangeError for bad durations. */
  constructor(options: TokenManagerOptions = {}) {
    this.#ttl = duration('ttl', options.ttl ?? DEFAULT_TTL, MIN_TTL);
    this.#tolerance = duration('clockTolerance', options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE, 0);
    this.#clock = options.clock ?? Date.now;
    this.#keys = new KeyRing(options.keys);
  }

  /** A token for `sessionId`, encrypted with the newest key. */
  async generateToken(sessionId: string, options: GenerateTokenOptions = {}): Promise<string> {
    if (!isSessionIdShape(sessionId)) throw new TokenError('malformed', 'the session id does not have the shape of a session id');
    const { client } = options;
    if (client !== undefined && !isClientShape(client)) {
      throw new TokenError('malformed', `client must be a non-empty string of at most ${MAX_CLIENT_LENGTH} characters`);
    }
    const ttl = duration('ttl', options.ttl ?? this.#ttl, MIN_TTL);
    const claims = issueClaims(sessionId, this.#clock(), ttl, client);
    return sealCompact(this.#keys.current, JSON.stringify(claims));
  }

  /** The claims of an authentic, live token; rejects with TokenError otherwise. */
  async validateToken(token: unknown): Promise<TokenClaims> {
    const plaintext = await openCompact(token, this.#keys);
    return readClaims(plaintext, this.#clock(), this.#tolerance);
  }

  /**
   * validateToken, then proves the token was issued for `sessionId` (and for
   * `client`, when either side has a binding), comparing in constant time.
   */
  async validateAccess(sessionId: string, token: unknown, options: ValidateAccessOptions = {}): Promise<TokenClaims> {
    if (!isSessionIdShape(sessionId)) throw new TokenError('wrong_session', 'the requested session id is not a session id');
    const { client } = options;
    if (client !== undefined && !isClientShape(client)) throw new TokenError('wrong_client', 'the request’s client value is not a valid client value');
    const claims = await this.validateToken(token);
    if (!constantTimeEqual(claims.sid, sessionId)) throw new TokenError('wrong_session', 'token belongs to another session');
    // An absent binding compares as '', so a bound token needs the client and an unbound one refuses it.
    if (!constantTimeEqual(claims.client ?? '', client ?? '')) throw new TokenError('wrong_client', 'token is bound to another client');
    return claims;
  }
}
