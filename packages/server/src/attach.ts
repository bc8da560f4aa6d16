import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLOSE } from '@statetemplate/protocol';
import type { Connection } from './connection.js';
import { headerTimeout } from './header-timeout.js';
import { settings as settle, type AttachOptions, type HttpServer } from './options.js';
import { SseTransport } from './sse-transport.js';
import { websocketTransport } from './websocket-transport.js';

/** The live transport on a server. */
export interface Attached {
  /** Connections open now, authenticated or not. */
  readonly connections: number;
  /** Stops serving: removes the listeners and closes every connection with 1001, so clients reconnect elsewhere. */
  close(): void;
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Serves StateTemplate sessions live on `server`: WebSocket upgrades of
 * `path` and, unless turned off, the SSE fallback on `ssePath`. The SSE path
 * is answered before the server's other request listeners, which attach
 * moves behind its own (and puts back on close). Throws RangeError or
 * TypeError for bad options.
 */
export function attach(server: HttpServer, options: AttachOptions): Attached {
  const config = settle(options);
  const live = new Set<Connection>();
  const headers = headerTimeout(server, config.authTimeoutMs);
  const stops = [websocketTransport(server, config, live, headers.done)];
  const { ssePath } = config;
  if (ssePath !== false) stops.push(serveBefore(server, new SseTransport({ ...config, ssePath }, live)));
  // After serveBefore, so it runs for every request, the SSE path's included.
  server.prependListener('request', headers.done);
  stops.push(headers.stop);
  const heartbeat = setInterval(() => {
    // A message pub/sub lost is found here at the latest: every stream checks the store's sequence number.
    void config.stateTemplate.reconcile();
    for (const connection of [...live]) connection.heartbeat();
  }, config.heartbeatMs);
  heartbeat.unref();
  return {
    get connections() {
      return live.size;
    },
    close() {
      clearInterval(heartbeat);
      for (const stop of stops) stop();
      for (const connection of [...live]) connection.close(CLOSE.GOING_AWAY, 'server shutting down');
    },
  };
}

/** Puts the SSE transport in front of the server's request listeners. */
function serveBefore(server: HttpServer, sse: SseTransport): () => void {
  const others = server.listeners('request') as RequestListener[];
  const listener: RequestListener = (request, response) => {
    if (!sse.handle(request, response)) for (const other of others) other.call(server, request, response);
  };
  server.removeAllListeners('request');
  server.on('request', listener);
  return () => {
    server.off('request', listener);
    for (const other of others) server.on('request', other);
  };
}
