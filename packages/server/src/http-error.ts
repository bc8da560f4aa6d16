import type { ServerResponse } from 'node:http';

/** A refused HTTP request; `status` is its response code. */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: 400 | 403 | 404 | 405 | 408 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** Answers with the refusal, closing the connection when the request body was not read to its end. */
export function refuse(response: ServerResponse, error: HttpError): void {
  if (response.headersSent) return void response.end();
  response.writeHead(error.status, {
    'content-type': 'text/plain; charset=utf-8',
    ...(error.status === 405 ? { allow: 'POST' } : {}),
    ...(response.req.complete ? {} : { connection: 'close' }),
  });
  response.end(error.message);
}
