import { encodeUpdates, stringifyServerMessage } from '@statetemplate/protocol';
import type { SessionUpdate } from '@statetemplate/session';

/** Seconds of history the rates cover. */
const WINDOW_S = 10;

export interface TrafficSummary {
  bytesPerUpdate: number;
  updatesPerSecond: string;
  window: number;
  updates: number;
  bytes: number;
}

/**
 * What one visitor was sent, for the stats panel: the size of the frame that
 * carries each render's updates (their compact wire form), per update,
 * averaged over a sliding window.
 */
export class Traffic {
  #updates = 0;
  #bytes = 0;
  /** [time, update count, bytes] of each render inside the window. */
  #recent: [number, number, number][] = [];

  record(updates: readonly SessionUpdate[], now: number = Date.now()): void {
    if (updates.length === 0) return;
    const frame = stringifyServerMessage({ type: 'updates', seq: updates.at(-1)!.seq, batch: encodeUpdates(updates) });
    const bytes = Buffer.byteLength(frame);
    this.#updates += updates.length;
    this.#bytes += bytes;
    this.#recent.push([now, updates.length, bytes]);
  }

  summary(now: number = Date.now()): TrafficSummary {
    this.#recent = this.#recent.filter(([at]) => at > now - WINDOW_S * 1000);
    const updates = this.#recent.reduce((sum, [, n]) => sum + n, 0);
    const bytes = this.#recent.reduce((sum, [, , b]) => sum + b, 0);
    return {
      bytesPerUpdate: updates === 0 ? 0 : Math.round(bytes / updates),
      updatesPerSecond: (updates / WINDOW_S).toFixed(1),
      window: WINDOW_S,
      updates: this.#updates,
      bytes: this.#bytes,
    };
  }
}
