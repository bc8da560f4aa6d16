import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/** The request body as text; refuses (HttpError) one over `limit` bytes or not complete within `timeoutMs`. */
export function readBody(request: IncomingMessage, limit: number, timeoutMs: number): Promise<string> {
  const tooBig = () => new HttpError(413, `the body is over ${limit} bytes`);
  return new Promise((resolve, reject) => {
    if (Number(request.headers['content-length'] ?? 0) > limit) return reject(tooBig());
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (error: HttpError) => {
      clearTimeout(timer);
      request.off('data', onData);
      reject(error);
    };
    const timer = setTimeout(() => stop(new HttpError(408, 'the body took too long')), timeoutMs);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) stop(tooBig());
      else chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', (error) => stop(new HttpError(400, error.message)));
  });
}
