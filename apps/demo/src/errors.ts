export type DemoErrorCode = 'invalid_text' | 'not_found' | 'list_full' | 'bad_request' | 'busy';

/** A refused user action; the message is safe to show to the visitor. */
export class DemoError extends Error {
  override readonly name = 'DemoError';
  constructor(
    readonly code: DemoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
