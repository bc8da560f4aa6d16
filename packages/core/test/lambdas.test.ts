import { describe, expect, it } from 'vitest';
import { compile, RenderError } from '../src/index.js';
import { patchThrough } from './patch-through.js';

describe('lambdas', () => {
  it('gives a section lambda (a function with a parameter) the section source, and renders its result with the current delimiters', () => {
    const wrap = (text: string) => `<b>${text}</b>{{n}}`;
    expect(compile('{{#wrap}}{{n}}!{{/wrap}}').renderPlain({ wrap, n: 1 })).toBe('<b>1!</b>1');
    expect(compile('{{=[ ]=}}[#wrap][n][/wrap]').renderPlain({ wrap: (text: string) => `${text}-{{n}}-[n]`, n: 2 })).toBe('2-{{n}}-2');
  });

  it("keeps an interpolated function's result text by default: user input it returns is never read as a template", () => {
    const t = compile('<p>{{fullName}}</p>');
    const visitor = { first: '{{secret}}', last: 'x', secret: 'leaked', fullName(this: { first: string; last: string }) { return `${this.first} ${this.last}`; } };
    expect(t.renderPlain(visitor)).toBe('<p>{{secret}} x</p>');
    const { state } = t.render(visitor);
    expect(t.update(state, { ...visitor, last: 'y' }).map((u) => u.html)).toEqual(['{{secret}} y']);
  });

  it("renders an interpolation lambda's result as a template with interpolationLambdas: 'template', escaped for {{ }}", () => {
    const t = compile('{{lambda}}|{{{lambda}}}', { interpolationLambdas: 'template' });
    expect(t.renderPlain({ lambda: () => '<{{planet}}>', planet: 'Mars' })).toBe('&lt;Mars&gt;|<Mars>');
    expect(() => compile('x', { interpolationLambdas: 'spec' as 'text' })).toThrow(TypeError);
  });

  it('keeps the mustache.js form: a getter returning a lambda whose output, rendered by the function it is given, is final', () => {
    const data = { bold: () => (text: string, render: (t: string) => string) => `<b>${render(text)}</b>`, name: '{{secret}}', secret: 'no' };
    // Data that holds tags is never read as a template.
    expect(compile('{{#bold}}{{name}}{{/bold}}').renderPlain(data)).toBe('<b>{{secret}}</b>');
  });

  it('calls a getter without parameters, as mustache.js does, and sections use its value', () => {
    expect(compile('{{#items}}{{.}}{{/items}}{{^none}}-{{/none}}').renderPlain({ items: () => [1, 2], none: () => false })).toBe('12-');
  });

  it('counts a section lambda as truthy in an inverted section', () => {
    expect(compile('<{{^l}}x{{/l}}>').renderPlain({ l: (_text: string) => false })).toBe('<>');
  });

  it('diffs a lambda by its rendered output', () => {
    const shout = (text: string) => `${text}!`;
    const data = [{ shout, name: 'a', n: 1 }, { shout, name: 'a', n: 2 }, { shout, name: 'b', n: 2 }, { shout: (text: string) => text, name: 'b', n: 2 }];
    const { steps } = patchThrough('<p>{{#shout}}{{name}}{{/shout}}</p><i>{{n}}</i>', data);
    expect(steps.map((s) => s.map((u) => [u.fragment_id, u.html]))).toEqual([[['2', '2']], [['1', 'b!']], [['1', 'b']]]);
  });

  it('fails the render with a RenderError when a lambda returns a malformed template', () => {
    const t = compile('{{#l}}x{{/l}}');
    expect(() => t.renderPlain({ l: (_text: string) => '{{#open}}' })).toThrow(RenderError);
  });

  it('stops a lambda whose output renders it again with a typed error', () => {
    const t = compile('{{#again}}x{{/again}}');
    const again = (text: string) => `{{#again}}${text}{{/again}}`;
    expect(() => t.renderPlain({ again })).toThrow(expect.objectContaining({ code: 'depth_exceeded' }));
  });
});
