import { encodeKey, itemFragmentId, regionFragmentId } from '@statetemplate/protocol';
import { StreamError } from './errors.js';
import { keyOf } from './keys.js';
import type { Node, RegionNode } from './nodes.js';
import type { Renderer } from './render.js';

/**
 * Marks the list regions the `streams` option names (and the regions around
 * them) and returns them by name. Only regions reached through regions have
 * a fragment id the template fixes: a section that is no region renders the
 * regions inside it without markers, and a recursive partial compiles late.
 */
export function placeStreams(nodes: readonly Node[], names: readonly string[]): Map<string, RegionNode> {
  const wanted = new Set(names);
  const places = new Map<string, RegionNode>();
  const visit = (list: readonly Node[], parent: string, around: readonly RegionNode[]): void => {
    for (const node of list) {
      // A region's own section holds the regions of its body; any other section is flat or holds none.
      if (node.kind === 'section' && !node.flat) visit(node.body, parent, around);
      if (node.kind !== 'region') continue;
      const id = regionFragmentId(parent, node.id);
      const name = node.list?.name;
      if (name !== undefined && wanted.has(name)) {
        if (places.has(name)) throw new StreamError('not_a_stream', `stream "${name}": the template has more than one {{#${name}}} list`);
        node.stream = { name, id };
        for (const outer of around) outer.holdsStream = true;
        places.set(name, node);
      }
      visit(node.body, id, [...around, node]);
    }
  };
  visit(nodes, '', []);
  for (const name of wanted) {
    if (!places.has(name)) {
      throw new StreamError('not_a_stream', `stream "${name}": no {{#${name}}}…{{/${name}}} section is a fragment of its own (balanced HTML, outside other sections' repeated bodies and <template>)`);
    }
  }
  return places;
}

/** A stream item's key as its id carries it; StreamError `stream_key` when it has none. */
export function streamKey(item: unknown, keyField: string, stream: string): string {
  const key = keyOf(item, keyField);
  if (key === undefined) throw new StreamError('stream_key', `stream "${stream}": an item needs its "${keyField}" (a string or a number)`);
  return key;
}

/**
 * One stream of a template: how its items render alone, exactly as a whole
 * render shows them, and the fragment ids their updates target. Items see
 * their own fields only, never the page's.
 */
export class TemplateStream {
  /** @internal From Template.stream. */
  constructor(
    private readonly node: RegionNode,
    private readonly renderer: Renderer,
    private readonly run: <T>(task: () => T) => T,
  ) {}

  get name(): string {
    return this.node.stream!.name;
  }

  /** The fragment id of the stream's list region. */
  get fragmentId(): string {
    return this.node.stream!.id;
  }

  /** An item's key (the template's `key` field), as a string; StreamError `stream_key` when it has none. */
  keyOf(item: unknown): string {
    return streamKey(item, this.renderer.keyField, this.name);
  }

  /** The fragment id of the item with key `key`. */
  itemId(key: string | number): string {
    return itemFragmentId(this.fragmentId, encodeKey(String(key)));
  }

  /** The item's id and its annotated content (without its item marker); StreamError when it has no key or cannot be patched alone. */
  renderItem(item: unknown): { fragment_id: string; html: string } {
    return this.run(() => {
      const { fragment_id, html } = this.renderer.streamItem(this.node, item);
      return { fragment_id, html };
    });
  }

  /** The list's whole content for `items`, item markers included: what a replace of `fragmentId` carries. StreamError for repeated keys. */
  renderItems(items: readonly unknown[]): string {
    return this.run(() => this.renderer.streamItems(this.node, items));
  }
}
