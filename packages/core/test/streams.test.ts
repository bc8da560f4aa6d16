import { describe, expect, it } from 'vitest';
import { compile, stripAnnotations, StreamError } from '../src/index.js';

const SOURCE = '<h1>{{title}}</h1><ul>{{#messages}}<li>{{text}}{{title}}</li>{{/messages}}</ul>';
const messages = [{ id: 1, text: 'a' }, { id: 'two words', text: 'b' }];

describe('streams', () => {
  it('render the data’s items once, each seeing its own fields only, and record none of them', () => {
    const template = compile(SOURCE, { streams: ['messages'] });
    const { html, state } = template.render({ title: 'T', messages });
    expect(html).toBe('<h1><!--[1-->T<!--]--></h1><ul><!--[2--><!--:1--><li>a</li><!--:two%20words--><li>b</li><!--]--></ul>');
    expect(state.r.c![1]).toEqual({ k: [], i: [], s: 1 });
    expect(template.renderPlain({ title: 'T', messages })).toBe(stripAnnotations(html));
    // The stream's data in later renders is not read: only the rest of the page is diffed.
    expect(template.update(state, { title: 'U', messages: [{ id: 3, text: 'c' }] }).map((u) => [u.fragment_id, u.html])).toEqual([['1', 'U']]);
    expect(template.update(state, { title: 'U', messages: [] })).toEqual([]);
  });

  it('render one item alone exactly as a whole render shows it, and the list for a reset', () => {
    const template = compile(SOURCE, { streams: ['messages'] });
    const stream = template.stream('messages');
    expect(stream.fragmentId).toBe('2');
    expect(stream.renderItem({ id: 'two words', text: 'b', title: 'own' })).toEqual({ fragment_id: '2:two%20words', html: '<li>bown</li>' });
    expect(stream.itemId(7)).toBe('2:7');
    expect(stream.keyOf({ id: 7 })).toBe('7');
    expect(stream.renderItems(messages)).toBe('<!--:1--><li>a</li><!--:two%20words--><li>b</li>');
  });

  it('rebuild from the state empty, or with the items given', () => {
    const template = compile(SOURCE, { streams: ['messages'] });
    const { state } = template.render({ title: 'T', messages });
    expect(template.renderState(state)).toBe('<h1><!--[1-->T<!--]--></h1><ul><!--[2--><!--]--></ul>');
    expect(template.renderState(state, { messages: [{ id: 9, text: 'z' }] })).toBe('<h1><!--[1-->T<!--]--></h1><ul><!--[2--><!--:9--><li>z</li><!--]--></ul>');
    expect(() => template.renderState(state, { other: [] })).toThrow(expect.objectContaining({ code: 'unknown_stream' }));
  });

  it('come back with the data’s items when a region around them re-renders, replaced whole (never attrs)', () => {
    const template = compile('<div class="{{c}}"><ul>{{#messages}}<li>{{text}}</li>{{/messages}}</ul><i class="{{c}}"></i></div>', { streams: ['messages'] });
    const { state } = template.render({ c: 'a', messages });
    const [update] = template.update(state, { c: 'b', messages: [{ id: 5, text: 'e' }] });
    expect(update).toMatchObject({ action: 'replace', html: '<div class="b"><ul><!--[1--><!--:5--><li>e</li><!--]--></ul><!--[2--><i class="b"></i><!--]--></div>' });
  });

  it('refuse what they cannot be, with typed errors', () => {
    const refused = (run: () => unknown, code: string) => expect(run).toThrow(expect.objectContaining({ name: 'StreamError', code }));
    refused(() => compile(SOURCE, { streams: ['title'] }), 'not_a_stream');
    refused(() => compile('{{#messages}}<li>{{/messages}}', { streams: ['messages'] }), 'not_a_stream');
    refused(() => compile('<template>{{#messages}}<li></li>{{/messages}}</template>', { streams: ['messages'] }), 'not_a_stream');
    refused(() => compile('<ul>{{#messages}}<li></li>{{/messages}}</ul><ol>{{#messages}}<li></li>{{/messages}}</ol>', { streams: ['messages'] }), 'not_a_stream');
    const template = compile(SOURCE, { streams: ['messages'] });
    refused(() => template.stream('other'), 'unknown_stream');
    refused(() => template.render({ messages: [{ text: 'no id' }] }), 'stream_key');
    refused(() => template.render({ messages: [{ id: 1 }, { id: 1 }] }), 'stream_key');
    refused(() => template.stream('messages').renderItem({ id: {} }), 'stream_key');
    const raw = compile('<ul>{{#messages}}<li>{{{html}}}</li>{{/messages}}</ul>', { streams: ['messages'] });
    refused(() => raw.stream('messages').renderItem({ id: 1, html: '<b>open' }), 'stream_unfit');
    const nested = compile('<div>{{#rows}}<ul>{{#messages}}<li>{{.}}</li>{{/messages}}</ul>{{/rows}}</div>', { streams: ['messages'] });
    refused(() => nested.render({ rows: [{ id: 1, messages: [] }] }), 'stream_unfit');
    expect(nested.render({ rows: { messages: [] } }).html).toBe('<div><!--[2--><ul><!--[1--><!--]--></ul><!--]--></div>');
    expect(new StreamError('stream_key', 'x')).toBeInstanceOf(Error);
  });
});
