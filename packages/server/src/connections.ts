import type { Connection } from './connection.js';

/** What the transport adds to the StateTemplate's metrics (see Attached.metrics). */
export interface TransportMetrics {
  /** Connections open now, authenticated or not. */
  connections: number;
  /** Of those, the authenticated ones, streaming a session. */
  live: number;
  /** Message bytes handed to the sockets since attach (UTF-8, before WebSocket compression and framing). */
  bytesSent: number;
  /** Messages sent. */
  framesSent: number;
  /** Whole pages sent as `resync` (however many parts each took). */
  resyncsSent: number;
  /** Bytes waiting in the sockets now, not yet taken by the operating system. */
  buffered: number;
  /** Connections past `highWaterBytes` now: their updates wait, coalescing, in the session. */
  congested: number;
}

/** The open connections of one attach, and counters of what they sent. */
export class Connections implements Iterable<Connection> {
  readonly #open = new Set<Connection>();
  #bytes = 0;
  #frames = 0;
  #resyncs = 0;

  add(connection: Connection): void {
    this.#open.add(connection);
  }

  delete(connection: Connection): void {
    this.#open.delete(connection);
  }

  get size(): number {
    return this.#open.size;
  }

  [Symbol.iterator](): Iterator<Connection> {
    return this.#open[Symbol.iterator]();
  }

  /** A message of `bytes` went to a socket. */
  sent(bytes: number): void {
    this.#bytes += bytes;
    this.#frames++;
  }

  resynced(): void {
    this.#resyncs++;
  }

  metrics(): TransportMetrics {
    let live = 0;
    let buffered = 0;
    let congested = 0;
    for (const connection of this.#open) {
      if (connection.live) live++;
      buffered += connection.buffered;
      if (connection.congested) congested++;
    }
    return { connections: this.#open.size, live, bytesSent: this.#bytes, framesSent: this.#frames, resyncsSent: this.#resyncs, buffered, congested };
  }
}
