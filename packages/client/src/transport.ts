import type { ClientMessage, HelloMessage, MessageError, ServerMessage } from '@statetemplate/protocol';

/** What a transport reports to connect(). */
export interface TransportEvents {
  /** A frame from the server, parsed, with its size in characters. */
  message(message: ServerMessage | MessageError, size: number): void;
  /** The transport is gone (whoever ended it); not called after close(). */
  closed(): void;
}

/** One connection attempt: sends `hello` first, then what it is given. */
export interface Transport {
  send(message: ClientMessage): void;
  close(): void;
}

export type OpenTransport = (hello: HelloMessage, events: TransportEvents) => Transport;
