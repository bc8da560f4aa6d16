import { JSDOM } from 'jsdom';
import type { Action, Update } from '@statetemplate/protocol';

/** A fresh jsdom page whose `root` div holds `html`. Nothing is put on globalThis. */
export function page(html: string) {
  const { window } = new JSDOM(`<!doctype html><body><div id="root">${html}</div></body>`);
  const doc = window.document;
  const root = doc.getElementById('root')!;
  /** `html` as the parser lays it out, to compare with root.innerHTML. */
  const normal = (markup: string) => {
    const div = doc.createElement('div');
    div.innerHTML = markup;
    return div.innerHTML;
  };
  return { window, doc, root, normal };
}

export function update(action: Action | string, fragment_id: string, html = '', ref?: string): Update {
  return { action: action as Action, fragment_id, html, timestamp: 0, ...(ref === undefined ? {} : { ref }) };
}
