import type { IncomingMessage } from 'node:http';

/** The request's path without its query string. */
export function pathname(request: IncomingMessage): string {
  const url = request.url ?? '';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}
