import { isDeepStrictEqual } from 'node:util';
import { applyUpdates } from '@statetemplate/client';
import { encodeKey, isWithin, ROOT_ID, type Update } from '@statetemplate/protocol';
import Mustache from 'mustache';
import { type Granularity, type RenderState, compile, stripAnnotations } from '../../src/index.js';
import { Changer, type StepChanges, type Style } from './changes.js';
import { generateObject, type Data } from './data-gen.js';
import { canonicalHtml, itemIdsByKey, loadPage, loadReference, markedHtml } from './dom.js';
import { PropertyFailure, mismatch, type FailureContext } from './report.js';
import { caseSeed, Rng } from './rng.js';
import { generateTemplate } from './template-gen.js';
import { Ids } from './values.js';

type Template = ReturnType<typeof compile>;

export interface CaseSpec {
  suite: string;
  baseSeed: number;
  index: number;
  /** One style for the whole sequence; picked per case when absent. */
  style?: Style;
  /** Whole pages (doctype, head, title) instead of body content. */
  wholeDocument: boolean;
  /** Compile option under test (default: the compiler's own). */
  granularity?: Granularity;
  /** Compile option under test: only for styles that never change data in place. */
  immutable?: boolean;
  /** Compile option under test: small, so that generated lists cross it both ways. */
  digestListsAbove?: number;
  steps: number;
}

/** How often the conditional checks actually ran, so a suite can prove they are not vacuous. */
export interface CaseStats {
  steps: number;
  noChangeChecks: number;
  /** Steps whose data changed while the plain render stayed byte for byte the same. */
  sameOutputChecks: number;
  itemEditChecks: number;
  /** Steps that diffed a state holding a digested list. */
  digestedSteps: number;
  /** `attrs` updates applied: attribute-only changes really took that path. */
  attrsUpdates: number;
}

const STYLES: readonly Style[] = ['fresh', 'shared', 'in-place'];

/**
 * Generates one template, its data and a sequence of changes, and checks
 * after every step that patching the previous page with the updates gives
 * the DOM of a fresh plain render. Throws PropertyFailure on any violation.
 */
export function runCase(spec: CaseSpec): CaseStats {
  const seed = caseSeed(spec.baseSeed, spec.index);
  const rng = new Rng(seed);
  const style = spec.style ?? rng.pick(STYLES);
  const generated = generateTemplate(rng, spec.wholeDocument);
  const ids = new Ids(rng);
  const context: FailureContext = {
    baseSeed: spec.baseSeed,
    suite: spec.suite,
    caseIndex: spec.index,
    caseSeed: seed,
    style,
    template: generated.template,
    partials: generated.partials,
    step: 0,
  };
  const stats: CaseStats = { steps: 0, noChangeChecks: 0, sameOutputChecks: 0, itemEditChecks: 0, digestedSteps: 0, attrsUpdates: 0 };
  const check = new Checker(generated.template, generated.partials, spec.wholeDocument);
  let data = generateObject(generated.shape, rng, ids);
  const tpl = check.guarded(context, () => compile(generated.template, { partials: generated.partials, granularity: spec.granularity, immutable: spec.immutable, digestListsAbove: spec.digestListsAbove }));
  const first = check.guarded({ ...context, after: data }, () => tpl.render(data));
  const page = loadPage(first.html, spec.wholeDocument);
  let state = first.state;
  let shown = check.guarded({ ...context, after: data }, () => check.matchesFreshRender(tpl, page, data, state));
  const changer = new Changer(rng, ids, generated.shape);

  for (let step = 1; step <= spec.steps; step++) {
    const before = structuredClone(data);
    const changes = changer.step(data, style);
    const after = structuredClone(changes.data);
    if (rng.chance(0.3)) state = JSON.parse(JSON.stringify(state)) as typeof state;
    const stepContext = { ...context, step, before, after, changes: changes.descriptions };
    const unmarkedBefore = withoutMarkers(state);
    const digestedBefore = !tpl.replayable(state);
    if (digestedBefore) stats.digestedSteps += 1;
    const updates = check.guarded(stepContext, () => tpl.update(state, changes.data));
    // Where a digested list was or is, output is not known to be the same: an item whose reads changed is sent whole.
    const digested = digestedBefore || !tpl.replayable(state);
    check.guarded({ ...stepContext, updates }, () => {
      if (isDeepStrictEqual(before, after)) {
        stats.noChangeChecks += 1;
        if (updates.length > 0) throw new Violation('data unchanged, yet updates were produced', '');
      } else if (check.plain(changes.data) === shown.plain && !digested) {
        stats.sameOutputChecks += 1;
        if (updates.length > 0) throw new Violation('the page did not change, yet updates were produced', '');
      }
      // A page that kept its markers through a change it did not show (say, new keys over the
      // same items) may need moves to place an edited item: the check needs fresh markers.
      if (shown.freshMarkers && !unmarkedBefore && check.itemEditStaysInItem(tpl, changes, updates, page)) stats.itemEditChecks += 1;
      applyUpdates(page, updates);
      for (const update of updates) if (update.action === 'attrs') stats.attrsUpdates += 1;
      shown = check.matchesFreshRender(tpl, page, changes.data, state);
    });
    data = changes.data;
    stats.steps += 1;
  }

  // Asking again with the same data (and a state that went through JSON) must yield nothing.
  const roundTripped = JSON.parse(JSON.stringify(state)) as typeof state;
  const again = check.guarded({ ...context, step: spec.steps + 1, after: data }, () => tpl.update(roundTripped, data));
  stats.noChangeChecks += 1;
  if (again.length > 0) {
    throw new PropertyFailure('repeating the same data produced updates', '', { ...context, after: data, updates: again });
  }
  return stats;
}

/** Whether some fragment of the state rendered without markers inside (raw output that could not be patched alone). */
function withoutMarkers(state: RenderState): boolean {
  return /"[uf]":1/.test(JSON.stringify(state));
}

/** A failed check, before it is dressed with the case's context. */
class Violation extends Error {
  constructor(
    readonly check: string,
    readonly detail: string,
  ) {
    super(check);
  }
}

class Checker {
  constructor(
    private readonly template: string,
    private readonly partials: Record<string, string>,
    private readonly wholeDocument: boolean,
  ) {}

  /** Runs `fn`; any violation or crash becomes a PropertyFailure carrying `context`. */
  guarded<T>(context: FailureContext, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof Violation) throw new PropertyFailure(error.check, error.detail, context);
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      throw new PropertyFailure('threw', detail, context);
    }
  }

  /** What mustache.js renders for `data`: the page as the user sees it. */
  plain(data: Data): string {
    return Mustache.render(this.template, data, this.partials);
  }

  /**
   * The patched page equals a fresh plain render of `data`; the annotated
   * render strips to the plain one, which is what mustache.js renders; and
   * the state alone rebuilds the patched page, markers included (a change
   * that leaves the page as it was keeps the page's markers, and with them
   * the old state, so this can differ from a fresh annotated render).
   * Returns the plain render, and whether the page's markers are those of a fresh render.
   */
  matchesFreshRender(tpl: Template, page: Element, data: Data, state: RenderState): { plain: string; freshMarkers: boolean } {
    const plain = tpl.renderPlain(data);
    const annotated = tpl.render(data).html;
    const stripped = stripAnnotations(annotated);
    if (stripped !== plain) throw new Violation('stripAnnotations(render) differs from renderPlain', mismatch(plain, stripped));
    const reference = this.plain(data);
    if (plain !== reference) throw new Violation('renderPlain differs from Mustache.render', mismatch(reference, plain));
    const expected = markedHtml(loadReference(plain, this.wholeDocument));
    const actual = canonicalHtml(page.cloneNode(true) as Element);
    if (actual !== expected) throw new Violation('patched DOM differs from a fresh render', mismatch(expected, actual));
    // A digested list keeps no values to rebuild the page from; its items' markers are then not known either.
    if (!tpl.replayable(state)) return { plain, freshMarkers: false };
    const replayed = tpl.renderState(state);
    const patched = markedHtml(page.cloneNode(true) as Element);
    const rebuilt = markedHtml(loadReference(replayed, this.wholeDocument));
    if (rebuilt !== patched) throw new Violation('renderState(state) differs from the patched page', mismatch(patched, rebuilt));
    return { plain, freshMarkers: replayed === annotated };
  }

  /**
   * When the step only changed a scalar inside one list item, every update
   * targets that item (wherever the list is rendered on `page`, which must
   * not be patched yet) or something inside it, never the root. Returns
   * whether the check applied.
   */
  itemEditStaysInItem(tpl: Template, changes: StepChanges, updates: Update[], page: Element): boolean {
    const edit = changes.itemEdit;
    // Lists rendered inside attributes, textareas or titles have no per-item fragments.
    if (edit === undefined || edit.lists.some((l) => l.opaque)) return false;
    // Raw output that cannot be patched alone renders its fragment without markers: then the enclosing one is the unit.
    if (withoutMarkers(tpl.render(changes.data).state)) return false;
    const targets = itemIdsByKey(page).get(encodeKey(String(edit.id))) ?? [];
    for (const update of updates) {
      if (update.fragment_id === ROOT_ID || !targets.some((t) => isWithin(update.fragment_id, t))) {
        const where = targets.length === 0 ? 'the item is not rendered' : `the item is rendered as ${targets.join(', ')}`;
        throw new Violation('an edit inside one list item updated something outside that item', `${where}; offending update ${update.fragment_id}`);
      }
    }
    return true;
  }
}
