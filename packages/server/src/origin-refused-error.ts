/** A browser page of an origin this server does not allow tried to connect; reported through onError. */
export class OriginRefusedError extends Error {
  override readonly name = 'OriginRefusedError';
  readonly code = 'origin_refused';
}
