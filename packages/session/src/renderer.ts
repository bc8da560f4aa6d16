import type { Update } from '@statetemplate/protocol';
import { SessionNotFoundError } from './errors.js';
import type { Session } from './session.js';
import { StateTemplate, type StateTemplateOptions } from './state-template.js';

/**
 * The single-session API of earlier versions, running on one default session.
 * @deprecated Use StateTemplate: newSession, getSession, Session.render and Session.updates.
 */
export class Renderer {
  readonly #template: string;
  readonly #options: StateTemplateOptions;
  #st: StateTemplate;
  #session: Session | null = null;
  #sessionMode = false;

  /** @deprecated Use `new StateTemplate(template, options)`. */
  constructor(template: string, options: StateTemplateOptions = {}) {
    this.#template = template;
    this.#options = options;
    this.#st = new StateTemplate(template, options);
  }

  /**
   * The way from this API to many sessions: returns the StateTemplate this
   * renderer runs on, made with `options` on top of the constructor's (a
   * store, limits, expiry). The default session lives in it too, so code
   * still on setInitialData and sendUpdate keeps working while the rest moves
   * to newSession and getSession. Call it once, before setInitialData.
   */
  enableSessionMode(options: StateTemplateOptions = {}): StateTemplate {
    if (this.#sessionMode) throw new TypeError('enableSessionMode was called already: keep the StateTemplate it returned');
    if (this.#session !== null) throw new TypeError('enableSessionMode must come before setInitialData: the default session would be lost');
    const unused = this.#st;
    this.#st = new StateTemplate(this.#template, { ...this.#options, ...options });
    this.#sessionMode = true;
    // It never held a session: closing only stops its cleanup timer.
    void unused.close();
    return this.#st;
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
