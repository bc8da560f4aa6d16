import { describe, expect, it } from 'vitest';
import { compile, RenderError, TemplateError, TemplateTracker } from '../src/index.js';
import { patchThrough } from './patch-through.js';

const LAYOUT = '<div class="app"><h1>{{$title}}My app{{/title}}</h1><main>{{$content}}{{/content}}</main><footer>{{user}}</footer></div>';
const PAGE = `{{<layout}}
  {{$title}}Todos ({{count}}){{/title}}
  {{$content}}
    <ul>{{#items}}<li>{{name}}</li>{{/items}}</ul>
  {{/content}}
{{/layout}}`;
const partials = { layout: LAYOUT };
const items = (...names: string[]) => names.map((name, i) => ({ id: i + 1, name }));

describe('layouts with inheritance', () => {
  it('renders the layout with the blocks the page gives, defaults for the others', () => {
    const t = compile(PAGE, { partials });
    expect(t.renderPlain({ count: 1, items: items('a'), user: 'ann' })).toBe('<div class="app"><h1>Todos (1)</h1><main><ul><li>a</li></ul>\n</main><footer>ann</footer></div>');
    expect(compile('{{<layout}}{{/layout}}', { partials }).renderPlain({ user: 'bo' })).toBe('<div class="app"><h1>My app</h1><main></main><footer>bo</footer></div>');
  });

  it('diffs the page live: a change inside a block or the layout updates only its fragment', () => {
    const first = { count: 1, items: items('a'), user: 'ann' };
    const second = { ...first, items: items('a', 'b'), count: 2 };
    const { steps } = patchThrough(PAGE, [first, second, { ...second, user: 'bo' }], { partials });
    // The list gains an item, the title's value changes; then only the footer's value.
    expect(steps.map((s) => s.map((u) => u.action))).toEqual([['replace', 'append'], ['replace']]);
    expect(steps[1]![0]!.html).toBe('bo');
  });

  it('compiles a whole page layout to the tree of the page written out, and patches it as a document', () => {
    const layout = '<!DOCTYPE html><html><head><title>{{$title}}My app{{/title}}</title></head><body><main>{{$content}}{{/content}}</main><footer>{{{note}}}</footer></body></html>';
    const page = '{{<layout}}{{$title}}Todos ({{count}}){{/title}}{{$content}}<ul>{{#items}}<li>{{name}}</li>{{/items}}</ul>{{/content}}{{/layout}}';
    const written = '<!DOCTYPE html><html><head><title>Todos ({{count}})</title></head><body><main><ul>{{#items}}<li>{{name}}</li>{{/items}}</ul></main><footer>{{{note}}}</footer></body></html>';
    expect(compile(page, { partials: { layout } }).nodes).toEqual(compile(written).nodes);
    const first = { count: 1, items: items('a'), note: '<b>hi</b>' };
    patchThrough(page, [first, { ...first, count: 2, items: items('a', 'b') }, { ...first, note: 'plain' }], { partials: { layout } }, true);
  });

  it('lists the fragments of the resolved tree, as for a template written out', () => {
    const fragments = new TemplateTracker(compile(PAGE, { partials })).fragments();
    expect(fragments.map((f) => [f.type, f.reads.map((r) => r.name)])).toEqual([
      ['value', ['count']],
      ['section', ['items', 'name']],
      ['value', ['user']],
    ]);
  });

  it('passes blocks on through partials and parents the layout includes', () => {
    const t = compile('{{<page}}{{$nav}}<a>home</a>{{/nav}}{{/page}}', {
      partials: { page: '{{<base}}{{$body}}<p>{{text}}</p>{{/body}}{{/base}}', base: '<header>{{>nav}}</header>{{$body}}{{/body}}', nav: '<nav>{{$nav}}none{{/nav}}</nav>' },
    });
    expect(t.renderPlain({ text: 'hi' })).toBe('<header><nav><a>home</a></nav></header><p>hi</p>');
  });

  it('shows the default of a block that an argument of the same name holds', () => {
    const t = compile('{{<p}}{{$a}}[{{$a}}inner{{/a}}]{{/a}}{{/p}}', { partials: { p: '<b>{{$a}}{{/a}}</b>' } });
    expect(t.renderPlain({})).toBe('<b>[inner]</b>');
  });

  it('renders a tree through a parent that includes itself, as deep as the data', () => {
    const tree = compile('{{<node}}{{/node}}', { partials: { node: '<li>{{$label}}{{name}}{{/label}}<ul>{{#kids}}{{<node}}{{$label}}- {{name}}{{/label}}{{/node}}{{/kids}}</ul></li>' } });
    const data = { name: 'a', kids: [{ name: 'b', kids: [{ name: 'c', kids: [] }] }] };
    expect(tree.renderPlain(data)).toBe('<li>a<ul><li>- b<ul><li>- c<ul></ul></li></ul></li></ul></li>');
    patchThrough('{{<node}}{{/node}}', [data, { name: 'a', kids: [{ name: 'x', kids: [] }] }], { partials: { node: '<li>{{$label}}{{name}}{{/label}}<ul>{{#kids}}{{<node}}{{$label}}- {{name}}{{/label}}{{/node}}{{/kids}}</ul></li>' } });
  });

  it('stops a parent that includes itself without end with a typed error, at render', () => {
    const t = compile('{{<loop}}{{/loop}}', { partials: { loop: 'x{{<loop}}{{$b}}y{{/b}}{{/loop}}' } });
    expect(() => t.render({})).toThrow(RenderError);
  });

  it('reports a parent or block left open, or closed by another name', () => {
    const cases: [string, string, number][] = [
      ['{{<layout}}{{$a}}x{{/a}}', 'unclosed_section', 25],
      ['{{$a}}x{{/b}}', 'unclosed_section', 8],
      ['{{<layout}}{{/other}}', 'unclosed_section', 12],
      ['x{{/a}}', 'unopened_section', 2],
    ];
    for (const [source, code, column] of cases) {
      const error = (() => {
        try {
          compile(source, { partials });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(TemplateError);
      expect([(error as TemplateError).code, (error as TemplateError).column]).toEqual([code, column]);
    }
  });
});
