export type SessionErrorCode =
  | 'invalid_token'
  | 'session_expired'
  | 'session_not_found'
  | 'session_limit'
  | 'session_closed'
  | 'session_conflict'
  | 'resync_unavailable'
  | 'stream_refused';

/** Base of every refusal the session layer makes; switch on `code`. */
export class SessionError extends Error {
  constructor(
    readonly code: SessionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The token is malformed, tampered, for another session or client, or from an unknown key. `cause` is the TokenError. */
export class InvalidTokenError extends SessionError {
  override readonly name = 'InvalidTokenError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_token', message, options);
  }
}

/** The session (or the token that opens it) outlived its expiration. */
export class SessionExpiredError extends SessionError {
  override readonly name = 'SessionExpiredError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('session_expired', message, options);
  }
}

/** The store holds no such session: it never existed, expired and was cleaned up, or was closed. */
export class SessionNotFoundError extends SessionError {
  override readonly name = 'SessionNotFoundError';
  constructor(message: string) {
    super('session_not_found', message);
  }
}

/** `maxSessions` is reached, even after removing expired sessions. */
export class SessionLimitError extends SessionError {
  override readonly name = 'SessionLimitError';
  constructor(readonly limit: number) {
    super('session_limit', `the session limit of ${limit} is reached`);
  }
}

/** The session, or the whole StateTemplate, was closed. */
export class SessionClosedError extends SessionError {
  override readonly name = 'SessionClosedError';
  constructor(message: string) {
    super('session_closed', message);
  }
}

/** Other instances kept winning the compare-and-set race for this session; nothing was applied. */
export class SessionConflictError extends SessionError {
  override readonly name = 'SessionConflictError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('session_conflict', message, options);
  }
}

/**
 * A page needs the whole page, which the session's state cannot rebuild (it
 * digested a huge list: core's `digestListsAbove`) and no `load` option can
 * render: the page must reload.
 */
export class ResyncUnavailableError extends SessionError {
  override readonly name = 'ResyncUnavailableError';
  constructor(sessionId: string) {
    super('resync_unavailable', `session ${sessionId} cannot rebuild its page from its state, and StateTemplate has no load option: the page must reload`);
  }
}

/** A stream's update on a session that cannot take one: a topic session (streams are for sessions of their own). */
export class StreamRefusedError extends SessionError {
  override readonly name = 'StreamRefusedError';
  constructor(message: string) {
    super('stream_refused', message);
  }
}
