import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpServer } from './options.js';

/** A running header timeout: `done` marks a request's headers complete; `stop` removes it. */
export interface HeaderTimeout {
  done(request: IncomingMessage): void;
  stop(): void;
}

/**
 * Ends a connection whose first request's headers (an upgrade's included)
 * are not complete within `ms`, instead of Node's headersTimeout (60 s,
 * checked every 30 s): a peer that opens sockets and dribbles headers would
 * otherwise hold each for a minute. attach() marks requests done with a
 * 'request' listener, and upgrades through the WebSocket transport, which
 * sees every one (a listener of its own would count as another upgrade handler).
 */
export function headerTimeout(server: HttpServer, ms: number): HeaderTimeout {
  const timers = new WeakMap<Socket, NodeJS.Timeout>();
  // Over TLS, requests come on the TLS socket, after its handshake.
  const accepted = 'setSecureContext' in server ? 'secureConnection' : 'connection';
  const onSocket = (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), ms);
    timer.unref();
    timers.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  };
  const done = (request: IncomingMessage) => {
    clearTimeout(timers.get(request.socket));
    timers.delete(request.socket);
  };
  server.on(accepted, onSocket);
  return {
    done,
    stop() {
      server.off(accepted, onSocket);
      server.off('request', done);
    },
  };
}
