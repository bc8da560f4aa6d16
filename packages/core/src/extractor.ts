import { encodeKey, itemFragmentId, parseFragmentId, regionFragmentId, ROOT_ID } from '@statetemplate/protocol';
import { Context } from './context.js';
import { RenderError } from './errors.js';
import { frame, frameCount, partialName, resolve, summarize } from './evaluate.js';
import { indexFragments, type FragmentInfo } from './fragments.js';
import { listKeys } from './keys.js';
import type { Node, RegionNode } from './nodes.js';
import type { Template } from './template.js';

/**
 * Splits a compiled template into its fragments and renders any one of them
 * alone: only the sections on the way to it are evaluated.
 */
export class FragmentExtractor {
  private readonly index: ReturnType<typeof indexFragments>;

  constructor(private readonly template: Template) {
    this.index = indexFragments(template.nodes);
  }

  /** Every fragment of the template, in id order (ids are stable for a given source). */
  fragments(): FragmentInfo[] {
    return [...this.index.values()].map(({ info }) => info).sort((a, b) => parseInt(a.id, 36) - parseInt(b.id, 36));
  }

  /**
   * The content of one fragment instance for `data`: what an update replacing
   * it would carry. Throws RenderError `unknown_fragment` when `data` has no such fragment.
   */
  render(fragmentId: string, data: unknown): string {
    if (fragmentId === ROOT_ID) return this.template.render(data).html;
    const renderer = this.template.renderer;
    renderer.reset();
    const missing = (): RenderError => new RenderError('unknown_fragment', `no fragment "${fragmentId}" in this data`);
    const segments = parseFragmentId(fragmentId);
    let nodes: readonly Node[] = this.template.nodes;
    let context = new Context(data);
    let parentPath = '';
    for (let s = 0; s < segments.length; s++) {
      const { region, key } = segments[s]!;
      const node = this.find(nodes, region, context);
      if (!node) throw missing();
      const path = regionFragmentId(parentPath, region);
      const last = s === segments.length - 1;
      if (key !== undefined) {
        const items = node.list ? resolve(node.list.path, context) : undefined;
        if (!node.list || !Array.isArray(items)) throw missing();
        const i = listKeys(items, renderer.keyField).findIndex((k) => encodeKey(k) === key);
        if (i < 0) throw missing();
        parentPath = itemFragmentId(path, key);
        if (last) {
          const item = renderer.item(node, items[i], context, parentPath);
          if (!item) throw missing(); // its list renders without markers
          return item.html;
        }
        context = context.push(items[i]);
        nodes = node.list.body;
        continue;
      }
      if (last) return renderer.regionContent(node, context, parentPath).html;
      const section = node.type === 'section' ? node.body[0] : undefined;
      if (section?.kind === 'section') {
        const value = resolve(section.path, context);
        if (Array.isArray(value) || frameCount(summarize(section, value)) !== 1) throw missing();
        context = frame(section, value, context, 0);
        nodes = section.body;
      } else {
        nodes = node.body;
      }
      parentPath = path;
    }
    throw missing();
  }

  /** A region directly in `nodes`, looking through partials compiled late, which add no scope. */
  private find(nodes: readonly Node[], id: string, context: Context): RegionNode | null {
    for (const node of nodes) {
      if (node.kind === 'region' && node.id === id) return node;
      if (node.kind === 'partial') {
        const found = this.find(this.template.renderer.partialNodes(node, partialName(node, context)), id, context);
        if (found) return found;
      }
    }
    return null;
  }
}
