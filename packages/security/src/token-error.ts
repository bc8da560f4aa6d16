/**
 * Why a token was refused:
 * - `malformed`: not shaped like one of our tokens (refused before any crypto);
 * - `invalid`: fails decryption, names an unknown key or algorithm, or carries bad claims;
 * - `expired`: authentic but past its `exp`;
 * - `wrong_session`: authentic but issued for another session id;
 * - `wrong_client`: authentic but bound to another client (or the binding is missing on one side).
 */
export type TokenErrorCode = 'malformed' | 'invalid' | 'expired' | 'wrong_session' | 'wrong_client';

/** The one error token checks reject with; `cause` keeps the underlying (jose) error, the message never does. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    readonly code: TokenErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
