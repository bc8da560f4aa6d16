import { ROOT_ID, type Update } from '@statetemplate/protocol';
import { Compiler, partialBody, type Granularity } from './compile.js';
import { Context } from './context.js';
import { Differ } from './diff.js';
import { RenderError, StateTemplateError, StreamError, TemplateError } from './errors.js';
import { dynamicNodes, type Node, type RegionNode } from './nodes.js';
import { Renderer } from './render.js';
import { Replayer } from './replay.js';
import { planShared, SharedView, withShared, sharedOf, sameState, type SharedPlan, type SharedStates } from './shared.js';
import { placeStreams, TemplateStream } from './stream.js';
import { defaultOnMissingPartial, PartialSources, type Partials } from './partials.js';
import { fingerprint, isUnmarked, listMemos, replayable, type RenderState } from './state.js';
import { DEFAULT_DELIMITERS, type Delimiters } from './tokenizer.js';

export interface CompileOptions {
  /**
   * Partial templates: sources by name, or a function of a name returning a
   * source (undefined when there is none), called once per name. A missing
   * partial renders as nothing, as the spec says.
   */
  partials?: Partials;
  /**
   * Called once per name when a partial is missing. Default: a warning
   * (`process.emitWarning`, else `console.warn`) unless NODE_ENV is
   * `production`; pass `() => {}` for none.
   */
  onMissingPartial?: (name: string) => void;
  /** Field that identifies list items (default `id`); lists without it are keyed by index. */
  key?: string;
  /**
   * 'item' (default): inside sections, a list item or section is re-rendered
   * whole, which keeps annotations small. 'value': values and elements inside
   * items get markers too, so a one-cell edit in a wide row sends only the cell.
   */
  granularity?: Granularity;
  /**
   * The data is never changed in place: a changed list item is a new object.
   * A diff then skips every item that is the very object it rendered last
   * time and read nothing outside itself. Without it (the default), items
   * changed in place are found by comparing what they show.
   */
  immutable?: boolean;
  /**
   * A list of more items than this (default 20,000) keeps, instead of each
   * item's recorded values, its keys and one 48-bit digest per item: about
   * 8 bytes of state per item instead of all it shows. A changed item is
   * then replaced whole (no `attrs`), a change is missed with probability
   * 2^-48, and the page cannot be rebuilt from the state (see replayable).
   */
  digestListsAbove?: number;
  /**
   * Names of list sections whose items the server does not hold (streams):
   * a render shows the items the data holds, but the state records none, and
   * later renders leave the list to the stream's updates (`stream(name)`).
   * Each must be a `{{#name}}` list that is a fragment of its own, outside
   * any repeated section; StreamError `not_a_stream` otherwise.
   */
  streams?: readonly string[];
  /**
   * What a function's result in `{{name}}` is. 'text' (default): text,
   * escaped like any value, so what a function returns (a computed
   * `fullName()` holding user input) is never read as a template.
   * 'template': the spec's interpolation lambda, its result rendered as a
   * template with the default delimiters, then escaped: for functions whose
   * results the application writes. Section lambdas are templates either way.
   */
  interpolationLambdas?: 'text' | 'template';
}

export interface UpdateOptions {
  /** Timestamp to stamp on the updates (default Date.now()). */
  now?: number;
  /** This update's data keeps the `immutable` promise, or does not (default: the template's option). */
  immutable?: boolean;
}

const DIGEST_LISTS_ABOVE = 20_000;
const LAMBDA_TEMPLATES = 256;

/** A template compiled once into static text and tracked dynamic parts; render it many times. */
export class Template {
  /** The compiled node tree (read-only; for tooling and the extractor). */
  readonly nodes: readonly Node[];
  private readonly dynamic: readonly Node[];
  readonly fingerprint: string;
  /** @internal The renderer, for the extractor. */
  readonly renderer: Renderer;
  private readonly compiler: Compiler;
  /** Lambdas' output compiled as templates, by delimiters and text; the oldest go first past LAMBDA_TEMPLATES. */
  private readonly lambdaTemplates = new Map<string, Node[]>();
  private readonly partials: PartialSources;
  private readonly immutable: boolean;
  private readonly streams: ReadonlyMap<string, RegionNode>;

  constructor(
    readonly source: string,
    options: CompileOptions = {},
  ) {
    if (options.onMissingPartial !== undefined && typeof options.onMissingPartial !== 'function') throw new TypeError('onMissingPartial must be a function of the missing name');
    const partials = (this.partials = new PartialSources(options.partials, options.onMissingPartial ?? defaultOnMissingPartial()));
    const key = options.key ?? 'id';
    const granularity = options.granularity ?? 'item';
    const lambdas = options.interpolationLambdas ?? 'text';
    if (lambdas !== 'text' && lambdas !== 'template') throw new TypeError("interpolationLambdas must be 'text' or 'template'");
    this.immutable = options.immutable === true;
    this.compiler = new Compiler(partials, granularity);
    this.nodes = this.compiler.compileTemplate(source);
    this.dynamic = dynamicNodes(this.nodes);
    const streams = [...(options.streams ?? [])];
    this.streams = placeStreams(this.nodes, streams);
    // Options that change what a render shows are part of it (new ones only when set, so existing states keep theirs).
    const shown = [...(streams.length > 0 ? [streams.sort()] : []), ...(lambdas === 'template' ? ['template lambdas'] : [])];
    this.fingerprint = fingerprint(JSON.stringify([source, partials.used(), key, granularity, ...shown]));
    const digestAbove = options.digestListsAbove ?? DIGEST_LISTS_ABOVE;
    if (!(digestAbove >= 0)) throw new RangeError('digestListsAbove must be a number >= 0');
    this.renderer = new Renderer(
      key,
      (template, context, delimiters) => this.lambdaOutput(template, context, delimiters),
      partialBody,
      digestAbove,
    );
    this.renderer.streamed = this.streams.size > 0;
    if (lambdas === 'template') this.renderer.varLambdas = this.renderer.subRender;
  }

  /** Stream `name` of the `streams` option: how its items render and where they go. StreamError `unknown_stream` for another name. */
  stream(name: string): TemplateStream {
    const node = this.streams.get(name);
    if (!node) throw new StreamError('unknown_stream', `no stream "${name}": the template's streams are ${JSON.stringify([...this.streams.keys()])}`);
    return new TemplateStream(node, this.renderer, (task) => this.guard(false, task));
  }

  /** Annotated HTML for `data`, and the state to diff the next snapshot against. */
  render(data: unknown): { html: string; state: RenderState } {
    return this.guard(
      this.immutable,
      () => {
        const { html, state } = this.renderer.root(this.nodes, new Context(data));
        return { html, state: { t: this.fingerprint, r: state } };
      },
      { data },
    );
  }

  /** Exactly what plain Mustache renders (the annotated render with its markers stripped). */
  renderPlain(data: unknown): string {
    return this.guard(false, () => this.renderer.nodes(this.nodes, new Context(data), null, ''), { data });
  }

  /**
   * The updates that turn the page rendered from `state` into the page for
   * `data`, in the order to apply them; [] when nothing changed. Moves `state`
   * forward; leaves it as it was if rendering throws.
   */
  update(state: RenderState, data: unknown, options: UpdateOptions = {}): Update[] {
    return this.guard(options.immutable ?? this.immutable, () => {
      const now = options.now ?? Date.now();
      const context = new Context(data);
      if (state.t === this.fingerprint) {
        const differ = new Differ(this.renderer, now);
        state.r = differ.root(this.nodes, this.dynamic, context, state.r);
        return differ.updates;
      }
      const { html, state: root } = this.renderer.root(this.nodes, context);
      state.t = this.fingerprint;
      state.r = root;
      return [{ fragment_id: ROOT_ID, html, action: 'replace', timestamp: now }];
    }, { data });
  }

  /**
   * Where the root names `names` (data many renders share, such as a topic's
   * fields) show: the top-level regions reading them. Null when the root
   * itself reads one outside any region: then every change is the whole page's.
   */
  sharedPlan(names: readonly string[]): SharedPlan | null {
    return planShared(this.dynamic, names);
  }

  /**
   * The states of the plan's regions for `shared` alone, the same for every
   * render whose data holds `shared` at its root; null when a region reads
   * another root name, or its output needs the whole page checked (raw markup).
   */
  renderShared(plan: SharedPlan, shared: Readonly<Record<string, unknown>>): SharedStates | null {
    return this.guard(this.immutable, () => {
      const view = new SharedView(shared);
      const context = new Context(view.view);
      const states = plan.regions.map((node) => this.renderer.regionContent(node, context, '').state);
      return view.leaked || !this.renderer.contained || states.some(isUnmarked) ? null : states;
    });
  }

  /**
   * The updates that move the plan's regions from `states` to `shared`, and
   * their new states: what a diff of any render sharing them sends for those
   * regions. Null when a region reads another root name, or cannot be patched
   * alone; `states` is left as it was.
   */
  updateShared(plan: SharedPlan, states: SharedStates, shared: Readonly<Record<string, unknown>>, options: UpdateOptions = {}): { updates: Update[]; states: SharedStates } | null {
    return this.guard(options.immutable ?? this.immutable, () => {
      const view = new SharedView(shared);
      const differ = new Differ(this.renderer, options.now ?? Date.now());
      const next = differ.regions(plan.regions, new Context(view.view), states);
      return next === null || view.leaked || !this.renderer.contained ? null : { updates: differ.updates, states: next };
    });
  }

  /**
   * `state` with its plan regions set to `to`, when they are exactly (the
   * same objects as) `from`: the shared diff from `from` to `to` then applies
   * to it. Null when they are not, or the root rendered without markers.
   */
  adoptShared(state: RenderState, plan: SharedPlan, from: SharedStates, to: SharedStates): RenderState | null {
    const current = sharedOf(state, plan);
    if (state.t !== this.fingerprint || current === null || current.some((s, i) => s !== from[i])) return null;
    return withShared(state, plan, to);
  }

  /**
   * `state` holding the very objects of `states` in its plan regions when it
   * records the same there (so many sessions keep one copy), else null.
   */
  shareStates(state: RenderState, plan: SharedPlan, states: SharedStates): RenderState | null {
    const current = sharedOf(state, plan);
    if (state.t !== this.fingerprint || current === null || current.some((s, i) => !sameState(s, states[i]))) return null;
    return withShared(state, plan, states);
  }

  /**
   * The annotated page that `state` describes, rebuilt from its recorded
   * values without the data: the page the updates built, which is
   * `render(data).html` for the data that produced the state, except that an
   * update that changed nothing visible leaves the page and its markers as
   * they were. A stream shows the items `streams` gives for it, none
   * without. Throws RenderError `state_mismatch` for a state of another
   * template, `not_replayable` for one holding a digested list (replayable).
   */
  renderState(state: RenderState, streams: Readonly<Record<string, readonly unknown[]>> = {}): string {
    if (state.t !== this.fingerprint) throw new RenderError('state_mismatch', 'this state belongs to another template');
    for (const name of Object.keys(streams)) this.stream(name);
    return this.guard(false, () => {
      const content = (node: RegionNode) => this.renderer.streamItems(node, streams[node.stream!.name] ?? []);
      return new Replayer(partialBody, content).scope(this.nodes, state.r);
    });
  }

  /** Whether renderState can rebuild the page from `state`: false once it holds a list of more than `digestListsAbove` items. */
  replayable(state: RenderState): boolean {
    return replayable(state.r);
  }

  /**
   * Moves `state` to a fresh render of `data`, for a page that needs the
   * whole page when its state cannot rebuild it (replayable): the page's
   * html, and the updates that bring the pages at `state` there. Those are
   * the diff, or one root replace where the diff would leave markers other
   * than the fresh page's (an update that changed nothing visible keeps them).
   */
  refresh(state: RenderState, data: unknown, options: UpdateOptions = {}): { html: string; updates: Update[] } {
    const now = options.now ?? Date.now();
    const diffed: RenderState = { t: state.t, r: state.r };
    const updates = this.update(diffed, data, { ...options, now });
    const fresh = this.guard(options.immutable ?? this.immutable, () => this.renderer.root(this.nodes, new Context(data)), { data });
    state.t = this.fingerprint;
    if (sameState(diffed.r, fresh.state)) {
      state.r = diffed.r;
      return { html: fresh.html, updates };
    }
    state.r = fresh.state;
    return { html: fresh.html, updates: [{ fragment_id: ROOT_ID, html: fresh.html, action: 'replace', timestamp: now }] };
  }

  /** A lambda's output rendered as a template; one level deeper, as a lambda may render itself again. */
  private lambdaOutput(template: string, context: Context, delimiters?: Delimiters): string {
    this.renderer.enter();
    const html = this.renderer.nodes(this.lambdaTemplate(template, delimiters), context, null, '');
    this.renderer.depth--;
    return html;
  }

  private lambdaTemplate(template: string, delimiters: Delimiters = DEFAULT_DELIMITERS): Node[] {
    const key = `${delimiters.join(' ')}\u0000${template}`;
    let nodes = this.lambdaTemplates.get(key);
    if (!nodes) {
      try {
        nodes = new Compiler(this.partials, 'item', false).compileTemplate(template, delimiters);
      } catch (error) {
        // A lambda's output is data: a malformed one fails the render, not the template.
        if (error instanceof TemplateError) throw new RenderError('data_error', `a lambda returned a malformed template: ${error.message}`, { cause: error });
        throw error;
      }
      // A lambda's output may hold data: keep a bounded number.
      if (this.lambdaTemplates.size >= LAMBDA_TEMPLATES) this.lambdaTemplates.delete(this.lambdaTemplates.keys().next().value!);
      this.lambdaTemplates.set(key, nodes);
    }
    return nodes;
  }

  /**
   * Runs a render or diff, immutable or not, with errors made typed. Given
   * the `source` data it renders, a data error names where in it the render failed.
   */
  private guard<T>(immutable: boolean, run: () => T, source?: { readonly data: unknown }): T {
    this.renderer.reset();
    // For immutable renders: what each list state came from (memory only; a state read back from a store has none).
    this.renderer.memos = immutable ? listMemos : null;
    try {
      return run();
    } catch (error) {
      if (error instanceof StateTemplateError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      const path = source && this.failurePath(source.data);
      throw new RenderError('data_error', `rendering failed${path ? ` at ${path}` : ''}: ${message}`, { cause: error, path });
    }
  }

  /**
   * Where rendering `data` throws (`items[3].price`), found by rendering it
   * once more, plain and traced: a render that succeeds pays nothing for it,
   * and a failing one runs the getters and lambdas before the failure twice.
   */
  private failurePath(data: unknown): string | undefined {
    const trace: string[] = [];
    this.renderer.reset();
    this.renderer.trace = trace;
    try {
      this.renderer.nodes(this.nodes, new Context(data), null, '');
      return undefined;
    } catch {
      return trace.length > 0 ? trace.join('.') : undefined;
    } finally {
      this.renderer.trace = null;
    }
  }
}

/** Compiles a Mustache template; throws TemplateError when it is malformed. */
export function compile(source: string, options?: CompileOptions): Template {
  return new Template(source, options);
}
