import type { Update } from '@statetemplate/protocol';
import { SessionNotFoundError } from './errors.js';
import type { Session } from './session.js';
import { StateTemplate, type StateTemplateOptions } from './state-template.js';

/**
 * The single-session API of earlier versions, running on one default session.
 * @deprecated Use StateTemplate: newSession, getSession, Session.render and Session.updates.
 */
export class Renderer {
  readonly #st: StateTemplate;
  #session: Session | null = null;

  /** @deprecated Use `new StateTemplate(template, options)`. */
  constructor(template: string, options: StateTemplateOptions = {}) {
    this.#st = new StateTemplate(template, options);
  }

  /**
   * Starts the default session with `data` (closing any previous one) and resolves to its HTML.
   * @deprecated Use StateTemplate.newSession.
   */
  async setInitialData(data: unknown): Promise<string> {
    await this.#session?.invalidate();
    const { html, sessionId, token } = await this.#st.newSession(data);
    this.#session = await this.#st.getSession(sessionId, token);
    return html;
  }

  /** @deprecated Use Session.render. */
  async sendUpdate(data: unknown): Promise<void> {
    await this.#current().render(data);
  }

  /** @deprecated Use Session.updates. */
  getUpdateChannel(): AsyncIterable<Update> {
    return this.#current().updates();
  }

  /** Closes the default session and the StateTemplate behind it. */
  async close(): Promise<void> {
    await this.#st.close();
  }

  #current(): Session {
    if (this.#session === null) throw new SessionNotFoundError('call setInitialData before using the renderer');
    return this.#session;
  }
}
