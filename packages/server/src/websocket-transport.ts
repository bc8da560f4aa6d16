import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE, parseClientMessage, stringifyServerMessage } from '@statetemplate/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import { Connection } from './connection.js';
import type { Connections } from './connections.js';
import { nextConnectionId } from './connection-id.js';
import type { ConnectionContext, HttpServer, Settings } from './options.js';
import { originRefusal } from './origin.js';
import { OriginRefusedError } from './origin-refused-error.js';
import { pathname } from './pathname.js';
import { SocketLink } from './socket-link.js';

/** Serves WebSocket upgrades of `settings.path`; returns the function that stops it. */
export function websocketTransport(
  server: HttpServer,
  settings: Settings,
  live: Connections,
  /** Called with every upgrade request: its headers are complete. */
  headersDone: (request: IncomingMessage) => void,
): () => void {
  const { compression } = settings;
  const wss = new WebSocketServer({
    noServer: true,
    // ws applies it to the inflated size too: a compressed bomb is refused like any big frame.
    maxPayload: settings.maxMessageBytes,
    clientTracking: false,
    perMessageDeflate: compression && {
      threshold: compression.threshold,
      // ws applies the threshold only without context takeover.
      serverNoContextTakeover: !compression.contextTakeover,
      serverMaxWindowBits: compression.windowBits,
      clientMaxWindowBits: compression.windowBits,
      zlibDeflateOptions: { memLevel: compression.memLevel },
    },
  });

  const open = (ws: WebSocket, ctx: ConnectionContext) => {
    const connection = new Connection(new SocketLink(ws, settings.highWaterBytes), ctx, settings, live);
    ws.on('message', (data, isBinary) => {
      if (isBinary) connection.close(CLOSE.UNSUPPORTED_DATA, 'binary frames are not part of the protocol');
      else connection.receive(parseClientMessage(String(data)));
    });
    // ws closes the socket itself after these (1009 too big, 1007 bad UTF-8, 1002 bad framing).
    ws.on('error', () => undefined);
    ws.on('close', () => connection.closed());
  };

  const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    headersDone(request);
    if (pathname(request) !== settings.path) {
      // Another listener may serve that path; with none, the socket would hang open.
      if (server.listenerCount('upgrade') === 1) socket.destroy();
      return;
    }
    const ctx = { id: nextConnectionId(), transport: 'websocket', request } as const;
    const refusal = originRefusal(request, settings.allowedOrigins);
    if (refusal === null) return wss.handleUpgrade(request, socket, head, (ws) => open(ws, ctx));
    settings.onError(new OriginRefusedError(refusal), ctx);
    // Upgraded only to say why, so the page's client reports it and stops retrying; no frame of it is read.
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws.on('error', () => undefined);
      ws.send(stringifyServerMessage({ type: 'error', code: 'origin_refused', message: refusal }));
      ws.close(CLOSE.ORIGIN_REFUSED, 'origin not allowed');
    });
  };

  server.on('upgrade', upgrade);
  return () => {
    server.off('upgrade', upgrade);
    wss.close();
  };
}
