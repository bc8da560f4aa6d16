export type StoreErrorCode = 'conflict' | 'not_found' | 'unavailable' | 'timeout' | 'invalid';

/** The one error type stores reject with; `cause` carries the backend's own error. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
