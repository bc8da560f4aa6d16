import { randomInt } from 'node:crypto';
import type { Presence, StateTemplate } from '@statetemplate/session';
import type { AppView } from './view.js';

/** The topic every page is a session of: its one field, `viewers`, is who is viewing the list. */
export const VIEWERS_TOPIC = 'viewers';

/** What a page shows others while it is connected: a public label, never the visitor's own name. */
export interface ViewerMeta {
  label: string;
}

/**
 * Who is viewing the list: the pages connected on any instance (the
 * topic's presence), published as the topic's data, so the region showing
 * them is rendered once for every page. Each instance publishes what its
 * view of the presence says at each join and leave; they all end at the same.
 */
export class Viewers {
  #publishing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly stateTemplate: StateTemplate<AppView>,
    private readonly presence: Presence,
  ) {}

  static async open(stateTemplate: StateTemplate<AppView>): Promise<Viewers> {
    const presence = await stateTemplate.presence(VIEWERS_TOPIC);
    const viewers = new Viewers(stateTemplate, presence);
    presence.subscribe(() => void viewers.#publish());
    await viewers.#publish();
    return viewers;
  }

  /** A new page's label: what others see of it while it is connected. */
  static meta(): ViewerMeta {
    return { label: `Guest ${randomInt(100, 1000)}` };
  }

  /** Publishes the connected pages' labels, one publish at a time; a failed one waits for the next join or leave. */
  #publish(): Promise<void> {
    this.#publishing = this.#publishing.then(async () => {
      const viewers = this.presence.list().map((entry) => ({ label: (entry.meta as ViewerMeta | null)?.label ?? 'Guest' }));
      viewers.sort((a, b) => a.label.localeCompare(b.label));
      await this.stateTemplate.publish(VIEWERS_TOPIC, { viewers }).catch((error: unknown) => console.error('[demo] publishing the viewers failed:', error));
    });
    return this.#publishing;
  }
}
