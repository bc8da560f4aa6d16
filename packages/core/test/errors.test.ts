import { describe, expect, it } from 'vitest';
import { compile, RenderError, TemplateError } from '../src/index.js';

function compileError(source: string, partials?: Record<string, string>): TemplateError {
  try {
    compile(source, { partials });
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('malformed templates', () => {
  it('reports an unclosed section with line, column and a snippet', () => {
    const error = compileError('<ul>\n  {{#items}}<li>{{name}}</li>\n</ul>');
    expect(error.code).toBe('unclosed_section');
    expect(error.line).toBe(3);
    expect(error.snippet).toContain('^');
    expect(error.message).toContain('line 3');
  });

  it('reports a mismatched closing tag', () => {
    const error = compileError('{{#a}}x{{/b}}');
    expect(error.code).toBe('unclosed_section');
    expect([error.line, error.column]).toEqual([1, 8]);
  });

  it('reports an unopened section', () => {
    expect(compileError('x{{/a}}').code).toBe('unopened_section');
  });

  it('reports an unclosed tag', () => {
    const error = compileError('hello {{name');
    expect(error.code).toBe('unclosed_tag');
    expect(error.column).toBe(13);
  });

  it('reports bad delimiters', () => {
    expect(compileError('{{=<% =}}').code).toBe('invalid_delimiters');
  });

  it('names the partial an error is in', () => {
    const error = compileError('{{>row}}', { row: '<tr>{{#cells}}</tr>' });
    expect(error.partial).toBe('row');
    expect(error.code).toBe('unclosed_section');
  });

  it('refuses comments that look like its own markers', () => {
    expect(compileError('<p><!--]--></p>').code).toBe('reserved_marker');
    const error = compileError('{{>row}}', { row: 'ab\n c<!--[2-->' });
    expect([error.code, error.partial, error.line, error.column]).toEqual(['reserved_marker', 'row', 2, 3]);
  });
});

describe('odd data', () => {
  const t = compile('<p>{{a}}</p>{{#list}}<i>{{.}}</i>{{/list}}{{^list}}none{{/list}}');

  it('renders undefined, null and missing data as empty', () => {
    for (const data of [undefined, null, {}, 7, 'text', []]) expect(t.renderPlain(data)).toBe('<p></p>none');
  });

  it('calls functions like mustache.js and diffs their output', () => {
    let n = 0;
    const data = { a: () => `call ${n}`, list: [] };
    const { state } = t.render(data);
    expect(t.update(state, data)).toEqual([]);
    n = 1;
    expect(t.update(state, data).map((u) => u.html)).toEqual(['call 1']);
  });

  it('renders huge strings', () => {
    const big = 'x'.repeat(5_000_000);
    const { state } = t.render({ a: 'small' });
    expect(t.update(state, { a: big })[0]!.html).toHaveLength(5_000_000);
  });

  it('stops a recursive partial over cyclic data with a typed error', () => {
    const tree = compile('{{>node}}', { partials: { node: '<li>{{name}}<ul>{{#kids}}{{>node}}{{/kids}}</ul></li>' } });
    const root: { name: string; kids: unknown[] } = { name: 'root', kids: [] };
    root.kids.push(root);
    expect(() => tree.render(root)).toThrow(RenderError);
    try {
      tree.render(root);
    } catch (error) {
      expect((error as RenderError).code).toBe('depth_exceeded');
    }
    expect(tree.renderPlain({ name: 'a', kids: [{ name: 'b', kids: [] }] })).toBe('<li>a<ul><li>b<ul></ul></li></ul></li>');
  });

  it('wraps a throwing getter in RenderError and leaves the state untouched', () => {
    const { state } = t.render({ a: 1 });
    const before = structuredClone(state);
    const data = {
      get a(): never {
        throw new Error('boom');
      },
    };
    expect(() => t.update(state, data)).toThrow(RenderError);
    expect(state).toEqual(before);
    expect(t.update(state, { a: 2 }).map((u) => u.html)).toEqual(['2']);
  });

  it("names the bad value's path: the sections entered, an array's item by index, and the name looked up", () => {
    const page = compile('<h1>{{title}}</h1><ul>{{#items}}<li>{{name}} {{#detail}}{{price}}{{/detail}}</li>{{/items}}</ul>{{#lazy}}x{{/lazy}}');
    const bad = (items: unknown[], lazy: unknown = false) => ({ title: 't', items, lazy });
    const priced = (price: unknown) => ({ id: 9, name: 'n', detail: { price } });
    const throwing = { toString: (): never => { throw new TypeError('no text'); } };
    const fine = [priced(1), priced(2), priced(3)];
    const { state } = page.render(bad(fine));
    for (const [data, path] of [
      [bad([...fine, priced(throwing)]), 'items[3].detail.price'],
      [bad([priced(1), { id: 2, get name(): never { throw new Error('gone'); } }]), 'items[1].name'],
      [bad(fine, () => { throw new Error('lambda'); }), 'lazy'],
    ] as const) {
      for (const run of [() => page.render(data), () => page.renderPlain(data), () => page.update(structuredClone(state), data)]) {
        let error: unknown;
        try {
          run();
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(RenderError);
        expect([(error as RenderError).code, (error as RenderError).path]).toEqual(['data_error', path]);
        expect((error as RenderError).message).toContain(`at ${path}:`);
      }
    }
  });
});
