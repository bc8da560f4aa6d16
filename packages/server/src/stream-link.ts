import type { ServerResponse } from 'node:http';
import { Link } from './link.js';

/** A Link over a `text/event-stream` response: each frame is one event's data line. */
export class StreamLink extends Link {
  #alive = true;

  constructor(
    private readonly response: ServerResponse,
    highWater: number,
  ) {
    super(highWater);
    response.once('close', () => this.release());
  }

  protected get buffered(): number {
    return this.response.writableLength;
  }

  protected get open(): boolean {
    return !this.response.writableEnded && !this.response.destroyed;
  }

  protected write(frame: string | Buffer, written: () => void): void {
    this.response.write(`data: ${frame}\n\n`, written);
  }

  close(): void {
    this.response.end();
  }

  terminate(): void {
    this.response.destroy();
  }

  /** A comment line: keeps proxies from timing the stream out; a peer that stopped reading never takes it. */
  beat(): boolean {
    if (!this.open) return true;
    if (!this.#alive) return false;
    this.#alive = false;
    this.response.write(':\n\n', () => {
      this.#alive = true;
    });
    return true;
  }
}
