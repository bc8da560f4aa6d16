import { afterEach, describe, expect, it, vi } from 'vitest';
import { compile, TemplateError, type PartialResolver } from '../src/index.js';

/** A resolver over `sources` that counts its lookups by name. */
function counting(sources: Record<string, string>): PartialResolver & { calls: string[] } {
  const calls: string[] = [];
  return Object.assign((name: string) => {
    calls.push(name);
    return sources[name];
  }, { calls });
}

describe('a partials resolver', () => {
  it('renders and diffs as the same partials given as a record do', () => {
    const sources = { item: '<li>{{name}}</li>', 'partials/footer': '<p>{{count}} items</p>' };
    const source = '<ul>{{#items}}{{> item}}{{/items}}</ul>{{> partials/footer}}';
    const byRecord = compile(source, { partials: sources });
    const byFunction = compile(source, { partials: (name) => sources[name as keyof typeof sources] });
    const data = { items: [{ id: 1, name: 'a' }], count: 1 };
    expect(byFunction.render(data).html).toBe(byRecord.render(data).html);
    expect(byFunction.fingerprint).toBe(byRecord.fingerprint);
    const next = { items: [{ id: 1, name: 'b' }], count: 2 };
    const state = byFunction.render(data).state;
    expect(byFunction.update(state, next, { now: 0 })).toEqual(byRecord.update(byRecord.render(data).state, next, { now: 0 }));
  });

  it('is asked once per name, recursive partials (compiled on first render) and lambda templates included', () => {
    const resolve = counting({ node: '<li>{{name}}<ul>{{#children}}{{> node}}{{/children}}</ul></li>', leaf: '<b>{{name}}</b>' });
    const template = compile('<ul>{{> node}}</ul>{{#wrap}}x{{/wrap}}', { partials: resolve, onMissingPartial: () => undefined });
    const tree = { name: 'a', children: [{ name: 'b', children: [{ name: 'c', children: [] }] }] };
    const data = { ...tree, wrap: () => (text: string, render: (t: string) => string) => render(`${text}{{> leaf}}{{> leaf}}`) };
    template.render(data);
    template.render(data);
    expect(template.renderPlain(data)).toBe('<ul><li>a<ul><li>b<ul><li>c<ul></ul></li></ul></li></ul></li></ul>x<b>a</b><b>a</b>');
    expect(resolve.calls.sort()).toEqual(['leaf', 'node']);
  });

  it('keeps the sources it compiled with: a later answer of the resolver changes nothing', () => {
    const sources: Record<string, string> = { row: '<i>{{v}}</i>' };
    const template = compile('{{#rows}}{{> row}}{{/rows}}{{#wrap}}{{/wrap}}', { partials: (name) => sources[name] });
    sources.row = '<b>{{v}}</b>';
    expect(template.renderPlain({ rows: [{ v: 1 }] })).toBe('<i>1</i>');
  });

  it('sets the fingerprint by the sources it found: another source is another template', () => {
    const a = compile('{{> p}}', { partials: () => 'a' });
    const b = compile('{{> p}}', { partials: () => 'b' });
    expect(a.fingerprint).not.toBe(b.fingerprint);
    const { state } = a.render({});
    expect(b.update(state, {}, { now: 0 })).toEqual([{ fragment_id: '0', action: 'replace', html: 'b', timestamp: 0 }]);
  });

  it('reports errors in a resolved partial under its name', () => {
    const error = (() => {
      try {
        compile('{{> broken}}', { partials: () => '{{#open}}' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).partial).toBe('broken');
  });

  it('refuses a resolver answer that is not a source, and partials that are neither a record nor a function', () => {
    expect(() => compile('{{> p}}', { partials: (() => 42) as unknown as PartialResolver })).toThrow(/partials\("p"\) returned number/);
    expect(() => compile('x', { partials: 'p' as never })).toThrow(TypeError);
    expect(() => compile('x', { onMissingPartial: 'quiet' as never })).toThrow(TypeError);
  });
});

describe('a missing partial', () => {
  it('renders as nothing and is reported once per name, from the template and its lambdas alike', () => {
    const missing: string[] = [];
    const template = compile('{{> gone}}[{{> gone}}]{{#items}}{{> also}}{{/items}}{{#wrap}}{{/wrap}}', {
      partials: { here: 'h' },
      onMissingPartial: (name) => missing.push(name),
    });
    const data = { items: [1, 2], wrap: () => (_: string, render: (t: string) => string) => render('{{> late}}{{> late}}{{> here}}') };
    expect(template.renderPlain(data)).toBe('[]h');
    template.render(data);
    expect(missing).toEqual(['gone', 'also', 'late']);
  });

  it('is reported per template: another compile reports it again', () => {
    const missing: string[] = [];
    const options = { partials: () => undefined, onMissingPartial: (name: string) => missing.push(name) };
    compile('{{> x}}', options);
    compile('{{> x}}', options);
    expect(missing).toEqual(['x', 'x']);
  });

  describe('by default', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
      vi.restoreAllMocks();
    });

    it('warns outside production, once per name', () => {
      vi.stubEnv('NODE_ENV', 'development');
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      compile('{{> nav}}{{> nav}}');
      expect(warn.mock.calls).toEqual([['partial "nav" not found: it renders as nothing', 'StateTemplateMissingPartial']]);
    });

    it('stays quiet in production', () => {
      vi.stubEnv('NODE_ENV', 'production');
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      compile('{{> nav}}');
      expect(warn).not.toHaveBeenCalled();
    });
  });
});
