// The floor for the todo page (todo-page.mjs): the least work any differ must
// do for it, written by hand for this one template. It keeps the values the
// page shows (the title; each item's id, done and text), compares the next
// data with them field by field, builds the html of changed items only, and
// returns the Update[] that core sends for the same change, as JSON.
//
// Keys are matched as a common prefix and suffix of the two lists; whatever
// lies between is removed and inserted, so any change gives the right page
// (a move costs more bytes than core's, never more work). It assumes what the
// benchmarks' data holds: distinct ids, boolean `done`, string `text`.
//
// With `skipSameItems`, an item that is the very object it was last time is
// skipped unread: the floor for data changed with structural sharing (only
// the changed item is a new object), as core's `immutable` option takes it.
import { encodeKey } from '@statetemplate/protocol';

// Core's fragment ids for this template: the title's value region and the list region.
const TITLE_ID = '1';
const LIST_ID = '2';

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '/': '&#x2F;', '`': '&#x60;', '=': '&#x3D;' };
const escape = (text) => String(text).replace(/[&<>"'`=/]/g, (c) => ENTITIES[c]);

const itemHtml = ({ done, text }) => `<li class="${done ? 'done' : ''}"><input type="checkbox"${done ? ' checked' : ''}> ${escape(text)}</li>`;

/** What the page shows of an item, and the item it came from. */
const record = (item) => ({ item, id: item.id, done: Boolean(item.done), text: item.text });

/**
 * Renders `data` (the page as Mustache renders it, in `html`) and keeps its
 * values; `update(next)` returns the updates to `next` as JSON.
 */
export function startFloor(data, { skipSameItems = false } = {}) {
  let title = data.title;
  const rows = data.todos.map(record);
  const html = `<section class="todoapp">
  <h1>${escape(title)}</h1>
  <ul class="todo-list">${rows.map(itemHtml).join('')}</ul>
</section>`;

  function update(next) {
    const timestamp = Date.now();
    const updates = [];
    const itemId = (row) => `${LIST_ID}:${encodeKey(String(row.id))}`;
    // The fields in core's order, so the JSON is what core would send.
    const send = (fragment_id, html, action, ref) => updates.push(ref === undefined ? { fragment_id, html, action, timestamp } : { fragment_id, html, action, timestamp, ref });
    /** Compares a kept row with the item now at its key; false when the key differs. */
    const kept = (row, item) => {
      if (skipSameItems && item === row.item) return true;
      if (item.id !== row.id) return false;
      row.item = item;
      const done = Boolean(item.done);
      if (done !== row.done || item.text !== row.text) {
        row.done = done;
        row.text = item.text;
        send(itemId(row), itemHtml(row), 'replace');
      }
      return true;
    };

    if (next.title !== title) {
      title = next.title;
      send(TITLE_ID, escape(title), 'replace');
    }
    const items = next.todos;
    let start = 0;
    while (start < rows.length && start < items.length && kept(rows[start], items[start])) start++;
    let oldEnd = rows.length;
    let newEnd = items.length;
    while (oldEnd > start && newEnd > start && kept(rows[oldEnd - 1], items[newEnd - 1])) {
      oldEnd--;
      newEnd--;
    }

    for (let i = start; i < oldEnd; i++) send(itemId(rows[i]), '', 'remove');
    const added = items.slice(start, newEnd).map(record);
    added.forEach((row, k) => {
      const at = start + k;
      if (at === 0) send(itemId(row), itemHtml(row), 'prepend');
      else if (newEnd === items.length) send(itemId(row), itemHtml(row), 'append');
      else send(itemId(row), itemHtml(row), 'insert_after', itemId(k === 0 ? rows[start - 1] : added[k - 1]));
    });
    rows.splice(start, oldEnd - start, ...added);
    return JSON.stringify(updates);
  }

  return { html, update };
}
