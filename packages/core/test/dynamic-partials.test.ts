import { describe, expect, it } from 'vitest';
import { compile, FragmentExtractor, stripAnnotations, TemplateError, TemplateTracker } from '../src/index.js';
import { patchThrough } from './patch-through.js';

const partials = {
  home: '<h2>Home</h2><p>{{greeting}}</p>',
  about: '<h2>About</h2><ul>{{#people}}<li>{{name}}</li>{{/people}}</ul>',
  open: '<div class="box">{{greeting}}',
};
const PAGE = '<main>{{>*page}}</main><p>{{n}}</p>';

describe('dynamic partials ({{>*name}})', () => {
  it('renders the partial the data names, nothing for a missing or falsy name', () => {
    const t = compile(PAGE, { partials });
    expect(t.renderPlain({ page: 'home', greeting: 'hi', n: 1 })).toBe('<main><h2>Home</h2><p>hi</p></main><p>1</p>');
    for (const page of ['nope', '', null, undefined, false]) expect(t.renderPlain({ page, n: 1 })).toBe('<main></main><p>1</p>');
  });

  it('replaces its fragment when the name changes, and diffs inside the partial when it does not', () => {
    const home = { page: 'home', greeting: 'hi', n: 1 };
    const { steps } = patchThrough(PAGE, [home, { ...home, greeting: 'hello' }, { ...home, page: 'about', people: [{ id: 1, name: 'ann' }] }, { ...home, page: 'about', people: [{ id: 1, name: 'ann' }, { id: 2, name: 'bo' }] }], { partials });
    expect(steps.map((s) => s.map((u) => [u.action, u.fragment_id]))).toEqual([
      [['replace', '1/1']], // the greeting's value inside the chosen partial
      [['replace', '1']], // the whole partial's fragment
      [['append', '1/1:2']], // one item of the partial's list
    ]);
  });

  it('keeps pages right through partials that leave elements open', () => {
    const steps = [{ page: 'home', greeting: 'a', n: 1 }, { page: 'open', greeting: 'b', n: 1 }, { page: 'open', greeting: 'c', n: 2 }, { page: 'home', greeting: 'c', n: 3 }];
    patchThrough(PAGE, steps, { partials });
  });

  it('picks a partial per list item, and re-renders only the item whose name changed', () => {
    const kinds = { text: '<span>{{content}}</span>', image: '<img src="{{url}}">' };
    const source = '<ul>{{#items}}<li>{{>*kind}}</li>{{/items}}</ul>';
    const list = [{ id: 1, kind: 'text', content: 'a', url: 'x.png' }, { id: 2, kind: 'text', content: 'b', url: 'y.png' }];
    const { steps } = patchThrough(source, [{ items: list }, { items: [list[0], { ...list[1], kind: 'image' }] }], { partials: kinds });
    expect(steps[0]!.map((u) => [u.action, u.fragment_id])).toEqual([['replace', '2:2/1']]);
  });

  it('works where no marker can go, as part of the enclosing fragment', () => {
    const t = compile('<div class="{{>*cls}}">{{x}}</div>', { partials: { wide: 'w-100', narrow: 'w-50' } });
    const { state } = t.render({ cls: 'wide', x: 1 });
    // Only the attribute changed: it travels alone.
    expect(t.update(state, { cls: 'narrow', x: 1 }).map((u) => [u.fragment_id, u.action, u.attrs])).toEqual([['2', 'attrs', [{ element: 0, set: 'class=w-50' }]]]);
    expect(t.update(state, { cls: 'wide', x: 2 }).map((u) => [u.fragment_id, stripAnnotations(u.html)])).toEqual([['2', '<div class="w-100">2</div>']]);
  });

  it('renders recursive structures through a dynamic name', () => {
    const t = compile('{{>*template}}', { partials: { node: '{{content}}<{{#nodes}}{{>*template}}{{/nodes}}>' } });
    expect(t.renderPlain({ template: 'node', content: 'X', nodes: [{ content: 'Y', nodes: [] }] })).toBe('X<Y<>>');
  });

  it('takes a dynamic parent, with its arguments', () => {
    const layouts = { wide: '<div class="wide">{{$body}}{{/body}}</div>', narrow: '<div class="narrow">{{$body}}{{/body}}</div>' };
    const source = '{{<*layout}}{{$body}}<p>{{text}}</p>{{/body}}{{/*layout}}';
    expect(compile(source, { partials: layouts }).renderPlain({ layout: 'narrow', text: 'hi' })).toBe('<div class="narrow"><p>hi</p></div>');
    patchThrough(source, [{ layout: 'wide', text: 'a' }, { layout: 'wide', text: 'b' }, { layout: 'narrow', text: 'b' }], { partials: layouts });
  });

  it('refuses at compile time a malformed partial any dynamic name could choose', () => {
    expect(() => compile('{{>*page}}', { partials: { ...partials, broken: '<p>{{#a}}</p>' } })).toThrow(TemplateError);
  });

  it('names its fragment and what it reads, and renders it alone', () => {
    const t = compile(PAGE, { partials });
    expect(new TemplateTracker(t).fragments()[0]).toEqual({ id: '1', type: 'partial', parent: null, list: false, reads: [{ name: 'page', within: [] }] });
    const data = { page: 'home', greeting: 'hi', n: 1 };
    expect(new FragmentExtractor(t).render('1/1', data)).toBe('hi');
    expect(new FragmentExtractor(t).render('1', data)).toBe('<h2>Home</h2><p><!--[1-->hi<!--]--></p>');
  });
});
