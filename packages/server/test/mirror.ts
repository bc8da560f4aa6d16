import { JSDOM } from 'jsdom';
import { applyUpdate, applyUpdates } from '@statetemplate/client';
import { decodeUpdates, ROOT_ID, type ServerMessage } from '@statetemplate/protocol';
import type { Session } from '@statetemplate/session';

/** A page in jsdom kept up to date from server messages, as a browser would be. */
export class Mirror {
  readonly root: HTMLElement;
  /** Sequence number the page is at. */
  seq: number;
  /** The parts of a resync sent in parts, until its last. */
  #parts = '';

  constructor(html: string, seq = 0) {
    const { document } = new JSDOM(`<div id="root">${html}</div>`).window;
    this.root = document.getElementById('root')!;
    this.seq = seq;
  }

  apply(message: ServerMessage): void {
    if (message.type === 'updates') applyUpdates(this.root, decodeUpdates(message.batch));
    else if (message.type === 'resync') {
      this.#parts += message.html;
      if (message.more) return;
      applyUpdate(this.root, { fragment_id: ROOT_ID, action: 'replace', html: this.#parts, timestamp: 0 });
      this.#parts = '';
    } else return;
    this.seq = message.seq;
  }

  /** Whether the page equals a fresh render of the session now. */
  async matches(session: Session): Promise<boolean> {
    const fresh = await session.updatesSince(-1);
    if (Array.isArray(fresh)) throw new Error('updatesSince(-1) must resync');
    return this.root.innerHTML === new Mirror(fresh.resync).root.innerHTML && this.seq === fresh.seq;
  }
}
