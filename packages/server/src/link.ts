import type { CloseCode } from '@statetemplate/protocol';

/**
 * One peer, whatever carries the frames (a WebSocket or an event stream).
 * Congestion is the bytes waiting to reach the peer; it shrinks as each
 * frame's write completes, which is when waiters on drained() re-check it.
 */
export abstract class Link {
  #waiting: (() => void)[] = [];
  readonly #written = () => {
    if (!this.congested) this.release();
  };

  /** Bytes queued for the peer and not yet handed to the operating system. */
  protected abstract get buffered(): number;
  protected abstract get open(): boolean;
  /** Writes one frame (text, or its UTF-8 bytes), calling `written` once it left (or failed). */
  protected abstract write(frame: string | Buffer, written: () => void): void;
  /** Ends the link; `code` reaches WebSocket peers only. */
  abstract close(code: CloseCode, reason: string): void;
  /** Drops the link at once, without a goodbye. */
  abstract terminate(): void;
  /** Sends a heartbeat; false when the peer has not answered (or taken) the previous one. */
  abstract beat(): boolean;

  constructor(private readonly highWater: number) {}

  /** True while more than the high-water mark waits to reach the peer. */
  get congested(): boolean {
    return this.buffered > this.highWater;
  }

  /** Bytes waiting to reach the peer. */
  get backlog(): number {
    return this.buffered;
  }

  /** Queues one server message frame; false when the link is closed and it went nowhere. */
  send(frame: string | Buffer): boolean {
    if (!this.open) return false;
    this.write(frame, this.#written);
    return true;
  }

  /** Resolves once the backlog is under the high-water mark, or the link closed. */
  drained(): Promise<void> {
    if (!this.congested || !this.open) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** To call when the link closes: nothing will drain any more. */
  protected release(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve();
  }
}
