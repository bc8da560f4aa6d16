import { describe, expect, it, vi } from 'vitest';
import { applyUpdate, applyUpdates, type Hook, type HookContext } from '../src/index.js';
import { liveHooks } from '../src/hooks.js';
import { page, update } from './dom.js';

/** A hook recording each call as "callback:element id". */
function recorder() {
  const calls: string[] = [];
  const note = (callback: string) =>
    function (this: HookContext) {
      calls.push(`${callback}:${this.el.id}`);
    };
  const hook: Hook = {
    mounted: note('mounted'),
    updated: note('updated'),
    destroyed: note('destroyed'),
    disconnected: note('disconnected'),
    reconnected: note('reconnected'),
  };
  return { calls, hook };
}

describe('hooks', () => {
  it('mount the hooked elements on the page, in document order', () => {
    const { root } = page('<div id="a" data-st-hook="Chart"><span id="b" data-st-hook="Chart"></span></div><p id="c"></p>');
    const { calls, hook } = recorder();
    liveHooks(root, { Chart: hook }, () => undefined);
    expect(calls).toEqual(['mounted:a', 'mounted:b']);
  });

  it('mount what an update adds, update what it changes inside, destroy what it removes', () => {
    const { root } = page('<div id="box" data-st-hook="Box"><!--[1-->one<!--]--></div><ul><!--[2--><!--:a--><li id="a" data-st-hook="Box">a</li><!--]--></ul>');
    const { calls, hook } = recorder();
    const hooks = liveHooks(root, { Box: hook }, () => undefined);
    calls.length = 0;
    hooks.around(() => applyUpdate(root, update('replace', '1', 'two')));
    expect(calls).toEqual(['updated:box']);
    calls.length = 0;
    hooks.around(() => applyUpdates(root, [update('append', '2:b', '<li id="b" data-st-hook="Box">b</li>'), update('remove', '2:a')]));
    expect(calls).toEqual(['destroyed:a', 'mounted:b']);
  });

  it('replace a hooked element a region re-renders with a new one: destroyed, then mounted', () => {
    const { doc, root } = page('<!--[1--><div id="w" data-st-hook="Box">v1</div><!--]-->');
    const { calls, hook } = recorder();
    const hooks = liveHooks(root, { Box: hook }, () => undefined);
    const before = doc.getElementById('w');
    hooks.around(() => applyUpdate(root, update('replace', '1', '<div id="w" data-st-hook="Box">v2</div>')));
    expect(doc.getElementById('w')).not.toBe(before);
    expect(calls).toEqual(['mounted:w', 'destroyed:w', 'mounted:w']);
  });

  it('keep an ignored hooked element mounted once through the replaces of its region', () => {
    const { doc, root } = page('<!--[1--><p>v1</p><div id="chart" data-st-hook="Chart" data-st-ignore></div><!--]-->');
    const { calls, hook } = recorder();
    const hooks = liveHooks(root, { Chart: hook }, () => undefined);
    const chart = doc.getElementById('chart');
    hooks.around(() => applyUpdate(root, update('replace', '1', '<p>v2</p><div id="chart" data-st-hook="Chart" data-st-ignore></div>')));
    expect(doc.getElementById('chart')).toBe(chart);
    expect(calls).toEqual(['mounted:chart']);
  });

  it('count only the patch\'s own changes, never what a hook does to its element', () => {
    const { doc, root } = page('<div id="c" data-st-hook="Draw"><!--[1-->1<!--]--></div>');
    let updates = 0;
    const hooks = liveHooks(root, {
      Draw: {
        mounted(this: HookContext) {
          this.el.append(doc.createElement('canvas'));
        },
        updated(this: HookContext) {
          updates++;
          this.el.querySelector('canvas')!.setAttribute('data-n', String(updates));
        },
      },
    }, () => undefined);
    hooks.around(() => applyUpdate(root, update('replace', '1', '2')));
    hooks.around(() => applyUpdate(root, update('replace', '1', '3')));
    expect(updates).toBe(2);
    expect(doc.querySelector('canvas')!.getAttribute('data-n')).toBe('2');
  });

  it('give each element its own context, with pushEvent and handleEvent', () => {
    const { root } = page('<i id="x" data-st-hook="H"></i><i id="y" data-st-hook="H"></i>');
    const sent: unknown[] = [];
    const got: string[] = [];
    const hooks = liveHooks(root, {
      H: {
        mounted(this: HookContext) {
          this.count = 0;
          this.handleEvent('ping', (payload) => got.push(`${this.el.id}:${String(payload)}:${(this.count = (this.count as number) + 1)}`));
          this.pushEvent('ready', { id: this.el.id });
        },
      },
    }, (name, payload) => sent.push([name, payload]));
    hooks.dispatch('ping', 1);
    hooks.dispatch('other', 2);
    hooks.dispatch('ping', 3);
    expect(sent).toEqual([['ready', { id: 'x' }], ['ready', { id: 'y' }]]);
    expect(got).toEqual(['x:1:1', 'y:1:1', 'x:3:2', 'y:3:2']);
  });

  it('call disconnected and reconnected on every live hook', () => {
    const { root } = page('<i id="x" data-st-hook="H"></i>');
    const { calls, hook } = recorder();
    const hooks = liveHooks(root, { H: hook }, () => undefined);
    hooks.all('disconnected');
    hooks.all('reconnected');
    expect(calls).toEqual(['mounted:x', 'disconnected:x', 'reconnected:x']);
  });

  it('keep patching when a hook throws, and say which hook is missing', () => {
    const { root } = page('<div id="b" data-st-hook="Bad"><!--[1-->1<!--]--></div><i data-st-hook="Nope"></i>');
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const hooks = liveHooks(root, { Bad: { mounted: () => { throw new Error('boom'); }, updated: () => { throw new Error('boom'); } } }, () => undefined);
      hooks.around(() => applyUpdate(root, update('replace', '1', '2')));
      expect(root.querySelector('#b')!.textContent).toBe('2');
      expect(error).toHaveBeenCalledTimes(2);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('"Nope"'));
    } finally {
      error.mockRestore();
      warn.mockRestore();
    }
  });

  it('still settle after a refused update, for the changes made before it', () => {
    const { root } = page('<div id="b" data-st-hook="H"><!--[1-->1<!--]--></div>');
    const { calls, hook } = recorder();
    const hooks = liveHooks(root, { H: hook }, () => undefined);
    expect(() => hooks.around(() => applyUpdates(root, [update('replace', '1', '2'), update('replace', '9', 'x')]))).toThrow();
    expect(calls).toEqual(['mounted:b', 'updated:b']);
  });
});
