import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MessageError, parseClientMessage, type HelloMessage } from '@statetemplate/protocol';
import { Connection } from './connection.js';
import { nextConnectionId } from './connection-id.js';
import { HttpError, refuse } from './http-error.js';
import type { Settings } from './options.js';
import { originAllowed } from './origin.js';
import { pathname } from './pathname.js';
import { readBody } from './read-body.js';
import { StreamLink } from './stream-link.js';

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
    private readonly live: Set<Connection>,
  ) {}

  /** Serves `request` if it is for the SSE path; false leaves it to the application. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    if (pathname(request) !== this.settings.ssePath) return false;
    this.#serve(request, response).catch((error: unknown) => {
      if (error instanceof HttpError) refuse(response, error);
      else response.destroy();
    });
    return true;
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { maxMessageBytes, authTimeoutMs, allowedOrigins } = this.settings;
    if (request.method !== 'POST') throw new HttpError(405, 'POST only');
    if (!originAllowed(request, allowedOrigins)) throw new HttpError(403, 'origin not allowed');
    const message = parseClientMessage(await readBody(request, maxMessageBytes, authTimeoutMs));
    if (message instanceof MessageError) throw new HttpError(400, message.message);
    if (message.type === 'hello') return this.#open(request, response, message);
    const connection = message.cid === undefined ? undefined : this.#streams.get(message.cid);
    if (connection === undefined) throw new HttpError(404, 'no such connection: open a new stream');
    connection.receive(message);
    response.writeHead(202).end();
  }

  #open(request: IncomingMessage, response: ServerResponse, hello: HelloMessage): void {
    const { settings } = this;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
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
