import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from 'node:net';
import { CLOSE } from '@statetemplate/protocol';
import { serveClientScript } from './client-script.js';
import type { StateTemplateMetrics } from '@statetemplate/session';
import { Connections, type TransportMetrics } from './connections.js';
import { headerTimeout } from './header-timeout.js';
import { settings as settle, type AttachOptions, type EventMap, type HttpServer } from './options.js';
import { pathname } from './pathname.js';
import { SseTransport, type RequestBody } from './sse-transport.js';
import { websocketTransport } from './websocket-transport.js';

/** The live transport on a server. */
export interface Attached {
  /** Connections open now, authenticated or not. */
  readonly connections: number;
  /**
   * A plain snapshot: the StateTemplate's metrics (`st.metrics()`) and the
   * transport's own: connections, bytes and messages sent, whole pages sent,
   * and the bytes and connections backed up now.
   */
  metrics(): ServerMetrics;
  /** The paths `handle` answers, for a framework's routes: false where turned off. */
  readonly routes: { readonly sse: string | false; readonly script: string | false };
  /**
   * Answers `request` if it is for the SSE path or the client script, and
   * returns false otherwise: what a framework's route for those paths calls
   * (with `intercept: false`). `body` is the request body when the framework
   * has read it already (text, bytes or parsed JSON); otherwise it is read here.
   */
  handle(request: IncomingMessage, response: ServerResponse, body?: RequestBody): boolean;
  /** Stops serving: removes the listeners and closes every connection with 1001, so clients reconnect elsewhere. */
  close(): void;
}

/** `attached.metrics()`: the StateTemplate's metrics with the transport's. */
export type ServerMetrics = StateTemplateMetrics & TransportMetrics;

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;
type Handler = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * Serves StateTemplate sessions live on `server`: WebSocket upgrades of
 * `path`, the SSE fallback on `ssePath` and the client bundle on
 * `scriptPath` (each unless turned off). Those paths are answered before the
 * server's other request listeners, which attach moves behind its own (and
 * puts back on close), unless `intercept` is false. Throws TypeError for a
 * `server` that is not a Node server (an Express app instead of the server it
 * listens on, say), and RangeError or TypeError for bad options.
 */
export function attach<View = unknown, Events extends EventMap = EventMap>(server: HttpServer, options: AttachOptions<View, Events>): Attached {
  if (!(server instanceof Server)) throw new TypeError(notAServer(server));
  // View and Events only type the application's hooks: inside, data and payloads are whatever they are.
  const config = settle(options as unknown as AttachOptions);
  const live = new Connections();
  const headers = headerTimeout(server, config.authTimeoutMs);
  const stops = [websocketTransport(server, config, live, headers.done)];
  const { ssePath, scriptPath } = config;
  const sse = ssePath === false ? undefined : new SseTransport({ ...config, ssePath }, live);
  const handle = (request: IncomingMessage, response: ServerResponse, body?: RequestBody): boolean => {
    if (sse?.handle(request, response, body)) return true;
    if (scriptPath === false || pathname(request) !== scriptPath) return false;
    serveClientScript(request, response);
    return true;
  };
  if (config.intercept) stops.push(serveBefore(server, handle));
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
    metrics: () => ({ ...config.stateTemplate.metrics(), ...live.metrics() }),
    routes: { sse: ssePath, script: scriptPath },
    handle,
    close() {
      clearInterval(heartbeat);
      for (const stop of stops) stop();
      for (const connection of [...live]) connection.close(CLOSE.GOING_AWAY, 'server shutting down');
    },
  };
}

/** Puts `handle` in front of the server's request listeners. */
function serveBefore(server: HttpServer, handle: Handler): () => void {
  const others = server.listeners('request') as RequestListener[];
  const listener: RequestListener = (request, response) => {
    if (!handle(request, response)) for (const other of others) other.call(server, request, response);
  };
  server.removeAllListeners('request');
  server.on('request', listener);
  return () => {
    server.off('request', listener);
    for (const other of others) server.on('request', other);
  };
}

function notAServer(value: unknown): string {
  const app = typeof value === 'function' && 'listen' in value;
  return app
    ? 'attach() needs the http.Server the app listens on (const server = app.listen(port)), not the app'
    : `attach() needs a Node http or https server, not ${value === null ? 'null' : typeof value}`;
}
