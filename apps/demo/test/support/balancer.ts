import { connect, createServer, type Socket } from 'node:net';

/** Where the balancer sends a new connection: pages and files to one instance, live sockets to another. */
export interface Route {
  pages: number;
  sockets: number;
}

export interface Balancer {
  /** The address browsers use: one origin, whichever instance answers. */
  readonly url: URL;
  /** The port every live socket (WebSocket upgrade) was sent to, in order. */
  readonly sockets: number[];
  /** Applies to connections opened from now on. */
  route(route: Route): void;
  /** Ends every connection passed on so far, as a failover would; clients reconnect along the current route. */
  cut(): void;
  close(): Promise<void>;
}

/** A request line is far shorter; a peer sending more without one is not HTTP. */
const MAX_HEAD = 8 * 1024;

/**
 * A tiny TCP load balancer on 127.0.0.1 standing in front of demo instances:
 * it reads the first request line of each connection and passes the
 * connection on, bytes untouched, to the instance its route names. The page
 * and its socket then share an origin (as behind a real balancer) while
 * landing on different instances.
 */
export async function startBalancer(route: Route): Promise<Balancer> {
  let current = route;
  const sockets: number[] = [];
  const open = new Set<Socket>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  const server = createServer((client) => {
    track(client);
    client.on('error', () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const line = head.indexOf('\r\n');
      if (line < 0 && head.length < MAX_HEAD) return;
      client.off('data', onData);
      const live = head.subarray(0, Math.max(line, 0)).toString('latin1').startsWith('GET /statetemplate/ws');
      const port = live ? current.sockets : current.pages;
      if (live) sockets.push(port);
      const upstream = connect(port, '127.0.0.1');
      track(upstream);
      upstream.on('error', () => client.destroy());
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the balancer has no TCP address');
  return {
    url: new URL(`http://127.0.0.1:${address.port}/`),
    sockets,
    route(next) {
      current = next;
    },
    cut() {
      for (const socket of open) socket.destroy();
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
