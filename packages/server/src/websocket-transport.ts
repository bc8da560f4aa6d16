import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE, parseClientMessage } from '@statetemplate/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import { Connection } from './connection.js';
import { nextConnectionId } from './connection-id.js';
import type { HttpServer, Settings } from './options.js';
import { originAllowed } from './origin.js';
import { pathname } from './pathname.js';
import { SocketLink } from './socket-link.js';

/** Serves WebSocket upgrades of `settings.path`; returns the function that stops it. */
export function websocketTransport(server: HttpServer, settings: Settings, live: Set<Connection>): () => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxMessageBytes, clientTracking: false });

  const open = (ws: WebSocket, request: IncomingMessage) => {
    const ctx = { id: nextConnectionId(), transport: 'websocket', request } as const;
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
    if (pathname(request) !== settings.path) {
      // Another listener may serve that path; with none, the socket would hang open.
      if (server.listenerCount('upgrade') === 1) socket.destroy();
      return;
    }
    if (originAllowed(request, settings.allowedOrigins)) {
      wss.handleUpgrade(request, socket, head, (ws) => open(ws, request));
      return;
    }
    socket.on('error', () => socket.destroy());
    socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  };

  server.on('upgrade', upgrade);
  return () => {
    server.off('upgrade', upgrade);
    wss.close();
  };
}
