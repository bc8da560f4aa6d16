import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MessageError, parseClientMessage, stringifyServerMessage, type HelloMessage, type JsonValue } from '@statetemplate/protocol';
import { Connection } from './connection.js';
import type { Connections } from './connections.js';
import { nextConnectionId } from './connection-id.js';
import { HttpError, refuse } from './http-error.js';
import type { Settings } from './options.js';
import { originRefusal } from './origin.js';
import { OriginRefusedError } from './origin-refused-error.js';
import { pathname } from './pathname.js';
import { readBody } from './read-body.js';
import { StreamLink } from './stream-link.js';

const EVENT_STREAM = 'text/event-stream; charset=utf-8';
/** The client posts JSON; a form or text body (a cross-site form, say) is refused before it is read. */
const JSON_BODY = /^application\/json\s*(?:;|$)/i;

/** A request body a framework has read already: its text, its bytes, or what its JSON parser made of it. */
export type RequestBody = string | Uint8Array | JsonValue;

/** A body read elsewhere, held to the same size limit as one read here. */
function bodyText(body: RequestBody, limit: number): string {
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : JSON.stringify(body);
  if (Buffer.byteLength(text) > limit) throw new HttpError(413, `the body is over ${limit} bytes`);
  return text;
}

/**
 * The Server-Sent Events fallback, all POSTs to one path so that no secret
 * goes into a URL: a body holding a hello opens an event stream (its `ready`
 * carries a connection id `cid`); a body holding an event with that `cid`
 * feeds the connection and is answered 202. Refusals before the stream opens
 * are HTTP statuses; afterwards they are messages on the stream, as on a WebSocket.
 */
export class SseTransport {
  readonly #streams = new Map<string, Connection>();

  constructor(
    private readonly settings: Settings & { ssePath: string },
    private readonly live: Connections,
  ) {}

  /** Serves `request` if it is for the SSE path; false leaves it to the application. `body`: see Attached.handle. */
  handle(request: IncomingMessage, response: ServerResponse, body?: RequestBody): boolean {
    if (pathname(request) !== this.settings.ssePath) return false;
    this.#serve(request, response, body).catch((error: unknown) => {
      if (error instanceof HttpError) refuse(response, error);
      else response.destroy();
    });
    return true;
  }

  async #serve(request: IncomingMessage, response: ServerResponse, body: RequestBody | undefined): Promise<void> {
    const { maxMessageBytes, authTimeoutMs, allowedOrigins } = this.settings;
    if (request.method !== 'POST') throw new HttpError(405, 'POST only');
    const refusal = originRefusal(request, allowedOrigins);
    if (refusal !== null) return this.#refuseOrigin(request, response, refusal);
    if (!JSON_BODY.test(request.headers['content-type'] ?? '')) throw new HttpError(415, 'the body must be application/json');
    const text = body === undefined ? await readBody(request, maxMessageBytes, authTimeoutMs) : bodyText(body, maxMessageBytes);
    const message = parseClientMessage(text);
    if (message instanceof MessageError) throw new HttpError(400, message.message);
    if (message.type === 'hello') return this.#open(request, response, message);
    const connection = message.cid === undefined ? undefined : this.#streams.get(message.cid);
    if (connection === undefined) throw new HttpError(404, 'no such connection: open a new stream');
    connection.receive(message);
    response.writeHead(202).end();
  }

  /** A 403 whose event-stream body says why, for the page's client to report (it then stops retrying). */
  #refuseOrigin(request: IncomingMessage, response: ServerResponse, refusal: string): void {
    this.settings.onError(new OriginRefusedError(refusal), { id: nextConnectionId(), transport: 'sse', request });
    response.writeHead(403, { 'content-type': EVENT_STREAM, 'cache-control': 'no-store', connection: 'close' });
    response.end(`data: ${stringifyServerMessage({ type: 'error', code: 'origin_refused', message: refusal })}\n\n`);
  }

  #open(request: IncomingMessage, response: ServerResponse, hello: HelloMessage): void {
    const { settings } = this;
    response.writeHead(200, {
      'content-type': EVENT_STREAM,
      'cache-control': 'no-store',
      // Proxies such as nginx buffer responses unless told not to.
      'x-accel-buffering': 'no',
    });
    response.flushHeaders();
    request.socket.setKeepAlive(true, settings.heartbeatMs);
    const cid = randomBytes(18).toString('base64url');
    const ctx = { id: nextConnectionId(), transport: 'sse', request } as const;
    const connection = new Connection(new StreamLink(response, settings.highWaterBytes), ctx, settings, this.live, cid);
    this.#streams.set(cid, connection);
    response.once('close', () => {
      this.#streams.delete(cid);
      connection.closed();
    });
    connection.receive(hello);
  }
}
