import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';

/** Where the browser client's bundle (`statetemplate.min.js`, for a plain `<script>`) is on disk. */
export const clientScriptPath: string = createRequire(import.meta.url).resolve('@statetemplate/client/statetemplate.min.js');

interface Script {
  plain: Buffer;
  gzipped: Buffer;
  etag: string;
}

let script: Script | undefined;

/** Read once, on first need: the bundle does not change while the process runs. */
function load(): Script {
  if (script) return script;
  const plain = readFileSync(clientScriptPath);
  const etag = `"${createHash('sha256').update(plain).digest('base64url').slice(0, 22)}"`;
  return (script = { plain, gzipped: gzipSync(plain, { level: 9 }), etag });
}

/**
 * Answers a GET or HEAD with the client bundle: gzipped for clients that take
 * it, revalidated by ETag (304) so a deploy's new client is picked up at once.
 */
export function serveClientScript(request: IncomingMessage, response: ServerResponse): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('GET only');
    return;
  }
  const { plain, gzipped, etag } = load();
  const headers = { etag, 'cache-control': 'no-cache', vary: 'accept-encoding' };
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, headers).end();
    return;
  }
  const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  const body = gzip ? gzipped : plain;
  response.writeHead(200, {
    ...headers,
    'content-type': 'text/javascript; charset=utf-8',
    'content-length': body.length,
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}
