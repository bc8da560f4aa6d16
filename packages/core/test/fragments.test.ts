import { describe, expect, it } from 'vitest';
import { compile, FragmentExtractor, RenderError, TemplateTracker } from '../src/index.js';

const SOURCE = '<h1>{{title}}</h1>{{#user}}<p>{{name}}</p>{{#posts}}<article class="{{kind}}">{{title}}</article>{{/posts}}{{/user}}';
const data = {
  title: 'Blog',
  user: { name: 'Ann', posts: [{ id: 'p1', kind: 'a', title: 'First' }, { id: 'p2', kind: 'b' }] },
};

describe('TemplateTracker', () => {
  const template = compile(SOURCE);
  const tracker = new TemplateTracker(template);

  it('lists each fragment with what it reads, context-stack lookups included', () => {
    expect(tracker.fragments()).toEqual([
      { id: '1', type: 'value', parent: null, list: false, reads: [{ name: 'title', within: [] }] },
      {
        id: '3',
        type: 'section',
        parent: null,
        list: true,
        reads: [
          { name: 'user', within: [] },
          { name: 'name', within: ['user'] },
        ],
      },
      {
        id: '2',
        type: 'section',
        parent: '3',
        list: true,
        reads: [
          { name: 'posts', within: [] },
          { name: 'kind', within: ['posts'] },
          { name: 'title', within: ['posts'] },
        ],
      },
    ]);
  });

  it('tells which fragments a snapshot touches without changing the state', () => {
    const { state } = template.render(data);
    const next = structuredClone(data);
    next.user.posts[1]!.title = 'Second';
    next.title = 'Blog!';
    expect(tracker.touched(state, next)).toEqual(['1', '3/2:p2']);
    expect(tracker.touched(state, next)).toEqual(['1', '3/2:p2']);
    expect(tracker.touched(state, data)).toEqual([]);
  });
});

describe('FragmentExtractor', () => {
  const template = compile(SOURCE);
  const extractor = new FragmentExtractor(template);

  it('gives stable, deterministic ids', () => {
    expect(extractor.fragments().map((f) => f.id)).toEqual(new FragmentExtractor(compile(SOURCE)).fragments().map((f) => f.id));
  });

  it('renders any fragment alone, as an update would carry it', () => {
    expect(extractor.render('1', data)).toBe('Blog');
    expect(extractor.render('3/2:p1', data)).toBe('<article class="a">Blog</article>'.replace('Blog', 'First'));
    expect(extractor.render('3/2:p2', data)).toBe('<article class="b">Blog</article>');
    const { state } = template.render(data);
    const next = structuredClone(data);
    next.user.posts[0]!.title = 'Edited';
    const [update] = template.update(state, next);
    expect(update!.html).toBe(extractor.render(update!.fragment_id, next));
  });

  it('refuses a fragment the data does not have', () => {
    expect(() => extractor.render('3/2:p9', data)).toThrow(RenderError);
    expect(() => extractor.render('9', data)).toThrow(RenderError);
  });
});
