import type { Template } from './template.js';
import type { RenderState } from './state.js';
import { indexFragments, type FragmentInfo, type NameRead } from './fragments.js';

/**
 * Knows which data each fragment reads, and which fragments a new snapshot
 * touches. `touched` runs the same comparison as `Template.update` on a copy
 * of the state, so it never disagrees with what update would send.
 */
export class TemplateTracker {
  private readonly index: ReturnType<typeof indexFragments>;

  constructor(private readonly template: Template) {
    this.index = indexFragments(template.nodes);
  }

  /** Every fragment of the template, outermost first. */
  fragments(): FragmentInfo[] {
    return [...this.index.values()].map(({ info }) => info).sort((a, b) => depth(this.index, a) - depth(this.index, b));
  }

  /** The names a fragment reads itself; throws RangeError for an unknown region id. */
  reads(regionId: string): NameRead[] {
    const entry = this.index.get(regionId);
    if (!entry) throw new RangeError(`no fragment with region id "${regionId}"`);
    return entry.info.reads;
  }

  /** Fragment ids that `data` would update, given the state of the last render. The state is not changed. */
  touched(state: RenderState, data: unknown): string[] {
    const copy = structuredClone(state);
    return [...new Set(this.template.update(copy, data).map((u) => u.fragment_id))];
  }
}

function depth(index: ReturnType<typeof indexFragments>, info: FragmentInfo): number {
  let d = 0;
  for (let p = info.parent; p !== null; p = index.get(p)?.info.parent ?? null) d++;
  return d;
}
