import { StoreError } from '@statetemplate/store';

/** ioredis's message for a reply that did not arrive within commandTimeout. */
const timedOut = 'Command timed out';

/**
 * Wraps a failure from ioredis in the StoreError the contract promises. A
 * timeout is `timeout`; anything else (refused connection, closed stream,
 * a Redis-side error such as OOM or LOADING) means Redis cannot serve: `unavailable`.
 */
export function toStoreError(operation: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = message === timedOut ? 'timeout' : 'unavailable';
  return new StoreError(code, `redis ${operation} failed: ${message}`, { cause: error });
}
