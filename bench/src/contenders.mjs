// The contenders. Each `start(page, data)` renders the first page and returns
// `{ html, update(data) }`: `update` turns the changed data into the message
// its transport would send, a string, so that CPU time includes encoding and
// bytes are exactly what goes on the wire. `html` is the first page without
// annotations, to check that every contender renders the same page.
import './no-network.mjs';
import { compile, stripAnnotations } from '@statetemplate/core';
import { encodeUpdates, stringifyServerMessage } from '@statetemplate/protocol';
import { StateTemplate } from '@statetemplate/session';
import { deepDiff } from 'liveviewjs';
import Mustache from 'mustache';

const KEY = 'bench signing key, thirty-two bytes or more';

/** StateTemplate's engine alone: core's Update[] as JSON (no transport of its own). */
export const core = {
  id: 'core',
  name: 'StateTemplate core',
  async: false,
  start(page, data) {
    const template = compile(page.template, page.options);
    const { html, state } = template.render(data);
    return { html: stripAnnotations(html), update: (next) => JSON.stringify(template.update(state, next)) };
  },
};

/**
 * Through @statetemplate/session (memory store, token checked on open): the
 * `updates` frame the server transport sends, in its compact wire form.
 */
const session = {
  id: 'session',
  name: 'StateTemplate session',
  async: true,
  async start(page, data) {
    const st = new StateTemplate(page.template, { signingKey: KEY, ...page.options });
    const { html, sessionId, token } = await st.newSession(data);
    const live = await st.getSession(sessionId, token);
    return {
      html: stripAnnotations(html),
      update: async (next) => {
        const batch = encodeUpdates(await live.render(next));
        return stringifyServerMessage({ type: 'updates', seq: live.seq, batch });
      },
      close: () => st.close(),
    };
  },
};

/** A plain re-render sent whole (Turbo replace, htmx): the page in a JSON message. */
const fullHtml = {
  id: 'full',
  name: 'Full HTML (Mustache.render)',
  async: false,
  start(page, data) {
    let seq = 0;
    return { html: Mustache.render(page.template, data), update: (next) => JSON.stringify({ type: 'resync', seq: ++seq, html: Mustache.render(page.template, next) }) };
  },
};

/** LiveViewJS's own "diff" frame: [joinRef, null, topic, "diff", diff], topic as its join ids look. */
const TOPIC = 'lv:phx-V1StGXR8_Z5jdHi6B-myT';

/** LiveViewJS 0.8: render the view, build its statics/dynamics tree, deepDiff it against the last one. */
const liveviewjs = {
  id: 'liveviewjs',
  name: 'LiveViewJS 0.8.1',
  async: false,
  start(page, data) {
    const view = page.liveview(data);
    let parts = view.partsTree(true);
    return {
      html: view.toString(),
      update: (next) => {
        const tree = page.liveview(next).partsTree(true);
        const diff = deepDiff(parts, tree);
        parts = tree;
        return JSON.stringify(['4', null, TOPIC, 'diff', diff]);
      },
    };
  },
};

export const CONTENDERS = [core, session, fullHtml, liveviewjs];

/** The diff payload alone, without a contender's envelope (for the counter's byte comparison). */
export function payload(contender, frame) {
  const message = JSON.parse(frame);
  // The compact frame [seq, at, …updates]: the updates alone.
  if (contender.id === 'session') return JSON.stringify(message.slice(2));
  if (contender.id === 'liveviewjs') return JSON.stringify(message[4]);
  if (contender.id === 'full') return message.html;
  return frame;
}
