import type { CloseCode } from '@statetemplate/protocol';
import { WebSocket } from 'ws';
import { Link } from './link.js';

/** Bytes go as a text frame too: they are a message's UTF-8. */
const TEXT = { binary: false };

/** A Link over a `ws` WebSocket. */
export class SocketLink extends Link {
  #alive = true;

  constructor(
    private readonly ws: WebSocket,
    highWater: number,
  ) {
    super(highWater);
    ws.once('close', () => this.release());
    ws.on('pong', () => {
      this.#alive = true;
    });
  }

  protected get buffered(): number {
    return this.ws.bufferedAmount;
  }

  protected get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  protected write(frame: string | Buffer, written: () => void): void {
    this.ws.send(frame, TEXT, written);
  }

  close(code: CloseCode, reason: string): void {
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  beat(): boolean {
    if (!this.#alive) return false;
    this.#alive = false;
    this.ws.ping();
    return true;
  }
}
