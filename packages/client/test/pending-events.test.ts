import { describe, expect, it } from 'vitest';
import { pendingEvents, type EventError } from '../src/pending-events.js';
import { page } from './dom.js';

describe('pending events', () => {
  it('keeps the loading state per element until every event of it settles, and restores a disabled label', () => {
    const { doc } = page('<form><button data-st-disable-with="Saving…">Save</button></form>');
    const button = doc.querySelector('button')!;
    const pending = pendingEvents(() => undefined);
    const first = pending.add('save', button);
    const second = pending.add('save', button);
    expect([button.className, button.textContent, button.disabled, doc.querySelector('form')!.className]).toEqual(['st-loading', 'Saving…', true, 'st-loading']);
    pending.settle(first);
    expect(button.classList.contains('st-loading')).toBe(true);
    pending.settle(second);
    expect([button.textContent, button.disabled]).toEqual(['Save', false]);
    // As the server rendered them: no empty class attribute left behind.
    expect(doc.body.innerHTML).toBe('<div id="root"><form><button data-st-disable-with="Saving…">Save</button></form></div>');
  });

  it('leaves the classes an element had, the empty attribute included', () => {
    const { doc } = page('<button class="big">a</button><a class="">b</a>');
    const pending = pendingEvents(() => undefined);
    pending.settle(pending.add('a', doc.querySelector('button')!));
    pending.settle(pending.add('b', doc.querySelector('a')!));
    expect(doc.getElementById('root')!.innerHTML).toBe('<button class="big">a</button><a class="">b</a>');
  });

  it('reports what went out on a dropped connection as disconnected, and keeps what was only held', () => {
    const { doc } = page('<button>a</button>');
    const button = doc.querySelector('button')!;
    const errors: EventError[] = [];
    const pending = pendingEvents((error) => void errors.push(error));
    const sent = pending.add('a', button);
    pending.add('held', undefined);
    pending.sent(sent);
    pending.dropped();
    expect(errors).toEqual([{ code: 'disconnected', message: expect.any(String), name: 'a' }]);
    expect(button.classList.contains('st-loading')).toBe(false);
    pending.dropped();
    expect(errors).toHaveLength(1);
  });
});
