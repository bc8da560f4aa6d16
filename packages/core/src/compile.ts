import type { DefaultTreeAdapterMap } from 'parse5';
import { splitName } from './context.js';
import { LEAD_ANY, LEAD_CR, openEnd } from './fit.js';
import { HtmlModel, patchable, samePlace, type ModelEvents, type Place } from './html-model.js';
import { inclusionKey, NO_OVERRIDES, reindent, withArguments, type Overrides } from './inherit.js';
import { canHaveRegions, dynamicNodes, type Node, type PartialNode, type RegionKind, type RegionNode, type SectionNode } from './nodes.js';
import { DEFAULT_DELIMITERS, tokenize, type BlockToken, type Delimiters, type SectionToken, type Token } from './tokenizer.js';
import type { PartialSources } from './partials.js';

type Element = DefaultTreeAdapterMap['element'];
type ParentNode = DefaultTreeAdapterMap['parentNode'];

/** 'item': a list item is the smallest unit inside sections; 'value': values and elements inside items get regions too. */
export type Granularity = 'item' | 'value';

/** An element or comment of the current body that may become a region. */
interface Pending {
  start: number;
  needsRegion: boolean;
  /** Where its start marker would go, or null when no marker can go there. */
  anchor: ParentNode | null;
  element: Element | null;
}

/**
 * Builds the node list of one body (the template, or one section's body):
 * static text is cut at element boundaries so that an element whose tag
 * holds dynamics can be wrapped into a region once its end tag is seen.
 */
class Body implements ModelEvents {
  readonly out: Node[] = [];
  private text = '';
  private chunk = '';
  private pos = 0;
  private opening: Pending | null = null;
  private comment: Pending | null = null;
  private readonly open: Pending[] = [];
  /** Set when markers can no longer be trusted to stay siblings here. */
  broken = false;

  constructor(
    private readonly compiler: Compiler,
    readonly model: HtmlModel,
    /**
     * Whether values and elements get regions of their own here. Always at the
     * template's top; inside sections only at 'value' granularity (otherwise
     * the list item or section is the unit).
     */
    readonly fine: boolean,
  ) {}

  get place(): Place {
    return this.model.place();
  }

  addText(text: string): void {
    this.chunk = text;
    this.pos = 0;
    this.model.write(text, this);
    this.take(text.length);
  }

  addNode(node: Node): void {
    this.flush();
    this.out.push(node);
  }

  /** Marks the element (or comment) holding a dynamic that cannot have markers of its own. */
  markEnclosing(): void {
    if (!this.fine) return;
    const { template, mode, current } = this.place;
    let pending: Pending | null | undefined;
    // Nothing inside a <template> can have markers: the outermost one is the unit, if it opened in this body.
    if (template) pending = this.pendingFor(template);
    else if (mode === 'tag') pending = this.opening;
    else if (mode === 'comment') pending = this.comment;
    else pending = this.pendingFor(current);
    if (pending) pending.needsRegion = true;
  }

  finish(): Node[] {
    this.flush();
    return mergeText(this.out);
  }

  startTagOpen(offset: number, anchor: ParentNode | null): void {
    this.take(offset);
    this.flush();
    this.opening = { start: this.out.length, needsRegion: false, anchor, element: null };
  }

  startTagClose(offset: number, element: Element | null, anchor: ParentNode | null): void {
    const pending = this.opening;
    this.opening = null;
    if (!pending) return;
    if (element === null) {
      if (anchor === pending.anchor) this.complete(pending, offset, 'element');
      return;
    }
    pending.element = element;
    this.open.push(pending);
  }

  elementClosed(element: Element, offset: number, anchor: ParentNode | null): void {
    const pending = this.drop(element);
    // Its markers stay siblings only if it sits where both would go.
    if (pending && anchor === pending.anchor && element.parentNode === anchor && patchable(element)) this.complete(pending, offset, 'element');
  }

  elementPopped(element: Element): void {
    this.drop(element);
  }

  commentOpen(offset: number, anchor: ParentNode | null): void {
    this.take(offset);
    this.flush();
    this.comment = { start: this.out.length, needsRegion: false, anchor, element: null };
  }

  commentClose(offset: number, anchor: ParentNode | null): void {
    const comment = this.comment;
    this.comment = null;
    if (comment && anchor === comment.anchor) this.complete(comment, offset, 'comment');
  }

  fostered(): void {
    this.broken = true;
  }

  private pendingFor(element: ParentNode): Pending | undefined {
    return this.open.findLast((p) => p.element === element);
  }

  private drop(element: Element): Pending | undefined {
    const at = this.open.findLastIndex((p) => p.element === element);
    return at < 0 ? undefined : this.open.splice(at, 1)[0];
  }

  private complete(pending: Pending, offset: number, type: RegionKind): void {
    if (!pending.needsRegion || pending.anchor === null || this.broken || !this.fine) return;
    this.take(offset);
    this.flush();
    const body = mergeText(this.out.splice(pending.start));
    this.out.push(this.compiler.region(type, body, null, this.place));
  }

  /** Moves the current chunk's text up to `offset` into the pending text. */
  private take(offset: number): void {
    if (offset > this.pos) {
      this.text += this.chunk.slice(this.pos, offset);
      this.pos = offset;
    }
  }

  private flush(): void {
    if (this.text !== '') {
      this.out.push({ kind: 'text', text: this.text });
      this.text = '';
    }
  }
}

/** Joins adjacent text, and tells each region what the node before it may end with. */
function mergeText(nodes: Node[]): Node[] {
  const merged: Node[] = [];
  for (const node of nodes) {
    const last = merged[merged.length - 1];
    if (node.kind === 'text' && last?.kind === 'text') merged[merged.length - 1] = { kind: 'text', text: last.text + node.text };
    else merged.push(node);
  }
  merged.forEach((node, i) => {
    if (node.kind !== 'region') return;
    if (i > 0) node.lead = leadAfter(merged[i - 1]!);
    const next = merged[i + 1];
    node.trail = next?.kind === 'text' ? next.text[0]! : '';
  });
  return merged;
}

/**
 * What output of `node` may end with, as fit.ts's LEAD_* bits. A region ends
 * with its end marker: one whose content ends open renders without markers
 * in a scope that then has none either (Renderer.regionContent).
 */
function leadAfter(node: Node): number {
  switch (node.kind) {
    case 'text':
      return openEnd(node.text);
    case 'var':
      return node.escape ? LEAD_CR : LEAD_ANY;
    case 'region':
      return 0;
    default:
      return LEAD_ANY;
  }
}

/** Inclusions nested deeper than this compile on first render, as recursive partials do: a bound on what one compile expands. */
const MAX_INCLUSIONS = 64;

/** The compiler of each partial node, which compiles its body on first render. */
const owners = new WeakMap<PartialNode, Compiler>();
/** Dynamic partials' bodies that the page's parser may not read as compiled: their output is checked as raw output is (fit.ts). */
const uncontained = new WeakSet<readonly Node[]>();

/** The body of a partial node compiled late (a recursive partial, or the partial a dynamic name chose), for partial `name`. */
export function partialBody(node: PartialNode, name: string): Node[] {
  return owners.get(node)!.partialBody(node, name);
}

/** Whether a partial body is known to leave the page's parser as it found it. */
export function containedBody(nodes: readonly Node[]): boolean {
  return !uncontained.has(nodes);
}

export class Compiler {
  private nextId = 1;
  private readonly expanding: string[] = [];
  /** Arguments being compiled into their blocks: a block of the same name inside one shows its default. */
  private readonly filling = new Set<BlockToken>();
  private readonly recursive = new Map<string, Node[]>();
  private readonly chosen = new WeakMap<PartialNode, Map<string, Node[]>>();
  private validated = false;

  constructor(
    private readonly partials: PartialSources,
    private readonly granularity: Granularity = 'item',
    /** False for a lambda's template: its output is escaped as data (escapeMarkers), so it may hold marker-shaped comments. */
    private readonly reserveMarkers = true,
    /** Partial sources tokenized, by indentation and name. */
    private readonly parsed = new Map<string, Token[]>(),
  ) {}

  compileTemplate(source: string, delimiters: Delimiters = DEFAULT_DELIMITERS): Node[] {
    const tokens = tokenize(source, { delimiters, reserveMarkers: this.reserveMarkers });
    // A whole page is read as a document; a layout's page starts with the layout's text.
    const body = new Body(this, new HtmlModel(this.startText(tokens, NO_OVERRIDES, 0)[0]), true);
    this.emit(tokens, body, NO_OVERRIDES);
    return body.finish();
  }

  partialBody(node: PartialNode, name: string): Node[] {
    return node.dynamic ? this.chosenPartial(node, name) : this.recursivePartial(node);
  }

  /** Nodes of a partial that includes itself, compiled once on first render. */
  private recursivePartial(node: PartialNode): Node[] {
    const inclusion = inclusionKey(node.name, node.overrides);
    const cacheKey = `${node.open.join(' ')}${node.markers ? '' : '!'}\u0000${node.indentation}${node.lineHasNonSpace ? '+' : '-'}${inclusion}`;
    let nodes = this.recursive.get(cacheKey);
    if (!nodes) {
      nodes = [];
      this.recursive.set(cacheKey, nodes);
      const tokens = this.partialTokens(node.name, node.indentation, node.lineHasNonSpace);
      if (tokens !== undefined) {
        // Compiled as inside the elements open where it is, and with no regions where no marker may go.
        const body = new Body(this, HtmlModel.inside(node.open, node.markers), this.granularity === 'value');
        this.expanding.push(inclusion);
        this.emit(tokens, body, node.overrides ?? NO_OVERRIDES);
        this.expanding.pop();
        nodes.push(...body.finish());
      }
    }
    return nodes;
  }

  /**
   * The body of partial `name` where a dynamic name chose it, compiled on
   * first use by a compiler of its own: its region ids start afresh inside
   * the node's region, so they do not depend on which partials rendered first.
   */
  private chosenPartial(node: PartialNode, name: string): Node[] {
    let byName = this.chosen.get(node);
    if (!byName) this.chosen.set(node, (byName = new Map()));
    let nodes = byName.get(name);
    if (nodes) return nodes;
    const tokens = name === '' ? undefined : this.partialTokens(name, node.indentation, node.lineHasNonSpace);
    if (tokens === undefined) nodes = [];
    else {
      const compiler = new Compiler(this.partials, this.granularity, this.reserveMarkers, this.parsed);
      const body = new Body(compiler, HtmlModel.inside(node.open, node.markers), node.fine === true || this.granularity === 'value');
      const before = body.place;
      compiler.expanding.push(inclusionKey(name, node.overrides));
      compiler.emit(tokens, body, node.overrides ?? NO_OVERRIDES);
      nodes = body.finish();
      // Compiled text that leaves the parser elsewhere changes how what follows it parses, as raw output can.
      if (!node.markers || body.broken || !samePlace(before, body.place)) uncontained.add(nodes);
    }
    byName.set(name, nodes);
    return nodes;
  }

  region(type: RegionKind, body: Node[], list: SectionNode | null, place: Place): RegionNode {
    return { kind: 'region', id: (this.nextId++).toString(36), type, body, dynamic: dynamicNodes(body), list, open: place.open, lead: 0, trail: '' };
  }

  private emit(tokens: readonly Token[], body: Body, overrides: Overrides): void {
    for (const token of tokens) {
      switch (token.kind) {
        case 'text':
          body.addText(token.text);
          break;
        case 'var':
          this.emitVar(body, token.name, token.escape);
          break;
        case 'section':
          this.emitSection(body, token, overrides);
          break;
        case 'block':
          this.emitBlock(body, token, overrides);
          break;
        case 'partial':
          this.include(body, token.name, token.dynamic, token.indentation ?? '', token.lineHasNonSpace, overrides);
          break;
        case 'parent':
          this.include(body, token.name, token.dynamic, token.indentation, false, withArguments(token.args, overrides));
          break;
      }
    }
  }

  private emitVar(body: Body, name: string, escape: boolean): void {
    const { place } = body;
    const node: Node = { kind: 'var', name, path: splitName(name), escape, ...(outOfFlow(place) && { wholePage: true }) };
    if (body.fine && !body.broken && place.text) {
      body.addNode(this.region('value', [node], null, place));
      return;
    }
    body.markEnclosing();
    body.addNode(node);
  }

  private emitSection(body: Body, token: SectionToken, overrides: Overrides): void {
    const before = body.place;
    const inner = new Body(this, body.model, this.granularity === 'value');
    this.emit(token.children, inner, overrides);
    const sectionBody = inner.finish();
    // The section may render nothing, so what follows may still open a <pre>.
    if (before.preStart) body.model.keepPreStart();
    const section: SectionNode = {
      kind: 'section',
      ...(outOfFlow(before) && { wholePage: true }),
      name: token.name,
      path: splitName(token.name),
      inverted: token.inverted,
      body: sectionBody,
      dynamic: dynamicNodes(sectionBody),
      hasRegions: canHaveRegions(sectionBody),
      flat: false,
      source: token.source,
      ...(token.delimiters !== DEFAULT_DELIMITERS && { delimiters: token.delimiters }),
    };
    const balanced = !inner.broken && samePlace(before, body.place);
    if (balanced && !body.broken && before.markers) {
      body.addNode(this.region('section', [section], section.inverted ? null : section, before));
      return;
    }
    section.flat = section.hasRegions;
    body.markEnclosing();
    // After an unbalanced section the model cannot know what the parser saw.
    if (before.mode !== body.place.mode) body.broken = true;
    body.addNode(section);
  }

  /** `{{$name}}`: the argument the callers give for it, shifted to its indentation, else its own content. */
  private emitBlock(body: Body, token: BlockToken, overrides: Overrides): void {
    const arg = overrides.get(token.name);
    if (!arg || this.filling.has(arg)) {
      this.emit(token.children, body, overrides);
      return;
    }
    this.filling.add(arg);
    this.emit(reindent(arg.children, arg.intrinsic ?? '', token.indent ?? '', token.standalone), body, overrides);
    this.filling.delete(arg);
  }

  /** A partial or parent: inlined, or a node compiled on first render when it includes itself or its name is dynamic. */
  private include(body: Body, name: string, dynamic: boolean, indentation: string, lineHasNonSpace: boolean, overrides: Overrides): void {
    const { place } = body;
    const node: PartialNode = { kind: 'partial', name, indentation, lineHasNonSpace, open: place.open, markers: place.markers, ...(overrides.size > 0 && { overrides }) };
    if (dynamic) {
      this.addDynamic(body, node);
      return;
    }
    const key = inclusionKey(name, overrides);
    if (this.expanding.includes(key) || this.expanding.length >= MAX_INCLUSIONS) {
      owners.set(node, this);
      body.markEnclosing();
      body.addNode(node);
      return;
    }
    const tokens = this.partialTokens(name, indentation, lineHasNonSpace);
    if (tokens === undefined) return; // the spec renders a missing partial as nothing
    this.expanding.push(key);
    this.emit(tokens, body, overrides);
    this.expanding.pop();
  }

  /**
   * `{{>*name}}`: a region of its own where a marker may go (a change of
   * name replaces it), whose body is the chosen partial; elsewhere part of
   * the enclosing fragment, compiled without regions.
   */
  private addDynamic(body: Body, node: PartialNode): void {
    // Any partial may be chosen: all of them are checked now, so that render never meets a malformed one.
    // A resolver's partials are not known ahead: they are checked as they are chosen.
    if (!this.validated) for (const name of this.partials.names()) this.partialTokens(name, '', false);
    this.validated = true;
    const { place } = body;
    const dynamic: PartialNode = { ...node, dynamic: splitName(node.name), ...(body.fine && { fine: true }), ...(outOfFlow(place) && { wholePage: true }) };
    owners.set(dynamic, this);
    if (!body.broken && place.markers) {
      body.addNode(this.region('partial', [dynamic], null, place));
      return;
    }
    dynamic.markers = false;
    body.markEnclosing();
    body.addNode(dynamic);
  }

  /** The static text the tokens render first, through the partials, parents and blocks it starts in; `done` once it holds more than whitespace or meets another tag. */
  private startText(tokens: readonly Token[], overrides: Overrides, depth: number): [text: string, done: boolean] {
    let text = '';
    for (const token of tokens) {
      let inner: [string, boolean] = ['', true];
      if (token.kind === 'text') inner = [token.text, /\S/.test(token.text)];
      else if (depth >= MAX_INCLUSIONS) break;
      else if (token.kind === 'block') inner = this.startText(overrides.get(token.name)?.children ?? token.children, overrides, depth + 1);
      else if ((token.kind === 'partial' || token.kind === 'parent') && !token.dynamic) {
        const included = this.partialTokens(token.name, '', false);
        if (included) inner = this.startText(included, token.kind === 'parent' ? withArguments(token.args, overrides) : overrides, depth + 1);
        else inner = ['', false];
      }
      text += inner[0];
      if (inner[1]) return [text, true];
    }
    return [text, depth >= MAX_INCLUSIONS];
  }

  /** A partial's tokens, indented for where it is included; undefined when there is no such partial. */
  private partialTokens(name: string, indentation: string, lineHasNonSpace: boolean): Token[] | undefined {
    const source = this.partials.get(name);
    if (source === undefined) return undefined;
    const key = `${indentation}${lineHasNonSpace ? '+' : '-'}\u0000${name}`;
    let tokens = this.parsed.get(key);
    if (!tokens) {
      tokens = tokenize(indentation ? indentPartial(source, indentation, lineHasNonSpace) : source, { partial: name, reserveMarkers: this.reserveMarkers });
      this.parsed.set(key, tokens);
    }
    return tokens;
  }
}

const TABLE_STRUCTURE = new Set(['table', 'tbody', 'thead', 'tfoot', 'tr', 'colgroup']);
const IN_FLOW = new Set(['td', 'th', 'caption']);

/**
 * Where raw markup is patched as the whole page (VarNode.wholePage): inside a
 * <select> or table structure (not a cell), or in the start tag of one, which
 * raw output can end and go on inside.
 */
function outOfFlow(place: Place): true | undefined {
  if (place.mode === 'tag' && (place.tag === 'select' || TABLE_STRUCTURE.has(place.tag))) return true;
  if (place.open.includes('select')) return true;
  for (let k = place.open.length - 1; k >= 0; k--) {
    const name = place.open[k]!;
    if (IN_FLOW.has(name)) return undefined;
    if (TABLE_STRUCTURE.has(name)) return true;
  }
  return undefined;
}

/** Same as mustache.js: standalone partials take the indentation of their tag's line. */
function indentPartial(source: string, indentation: string, lineHasNonSpace: boolean): string {
  const filtered = indentation.replace(/[^ \t]/g, '');
  return source
    .split('\n')
    .map((line, i) => (line.length && (i > 0 || !lineHasNonSpace) ? filtered + line : line))
    .join('\n');
}
