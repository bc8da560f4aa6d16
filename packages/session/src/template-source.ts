import type { Partials } from '@statetemplate/core';

/**
 * A template that may change while the server runs, such as
 * `loadTemplates(dir).template('todo')` of `@statetemplate/core/files`:
 * what StateTemplate takes besides a source string.
 */
export interface TemplateSource {
  /** The source as it is now. */
  readonly source: string;
  /** Its partials: a resolver is asked anew at each compile, so it gives them as they are then. */
  readonly partials?: Partials;
  /** Calls `listener` when the source or a partial may have changed; returns a function that stops. */
  watch?(listener: () => void): () => void;
}
