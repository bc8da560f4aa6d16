import type { Node, RegionKind, RegionNode } from './nodes.js';

/** What the tracker and extractor know about one fragment of a compiled template. */
export interface FragmentInfo {
  /** Region id: the last segment of the fragment ids of this fragment's instances. */
  id: string;
  type: RegionKind;
  /** Enclosing region id, or null at the template's top. */
  parent: string | null;
  /** True when it renders a keyed list whenever its section's value is an array. */
  list: boolean;
  /** Names it reads itself (not those of regions inside it), each with the sections it sits in, innermost first. */
  reads: NameRead[];
}

export interface NameRead {
  name: string;
  /** Section names around the lookup inside this fragment, innermost first. Mustache searches those contexts first. */
  within: string[];
}

/** Indexes the regions of a node tree (recursive partials excepted: they compile on first render). */
export function indexFragments(nodes: readonly Node[]): Map<string, { info: FragmentInfo; node: RegionNode }> {
  const index = new Map<string, { info: FragmentInfo; node: RegionNode }>();
  const visit = (list: readonly Node[], parent: string | null, within: string[], reads: NameRead[] | null, inline: boolean): void => {
    for (const node of list) {
      switch (node.kind) {
        case 'var':
          reads?.push({ name: node.name, within });
          break;
        case 'section':
          reads?.push({ name: node.name, within });
          visit(node.body, parent, [node.name, ...within], reads, inline || node.flat);
          break;
        case 'partial':
          if (node.dynamic) reads?.push({ name: node.name, within });
          break;
        case 'region': {
          if (inline) {
            visit(node.body, parent, within, reads, true);
            break;
          }
          const info: FragmentInfo = { id: node.id, type: node.type, parent, list: node.list !== null, reads: [] };
          index.set(node.id, { info, node });
          visit(node.body, node.id, [], info.reads, false);
          break;
        }
        default:
          break;
      }
    }
  };
  visit(nodes, null, [], null, false);
  return index;
}
