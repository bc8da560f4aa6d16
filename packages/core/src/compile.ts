import { ANNOTATION_PATTERN } from '@statetemplate/protocol';
import type { DefaultTreeAdapterMap } from 'parse5';
import { splitName } from './context.js';
import { LEAD_ANY, LEAD_CR, openEnd } from './fit.js';
import { HtmlModel, patchable, samePlace, type ModelEvents, type Place } from './html-model.js';
import { canHaveRegions, dynamicNodes, type Node, type PartialNode, type RegionKind, type RegionNode, type SectionNode } from './nodes.js';
import { parseTokens, templateError, type Token } from './parse.js';
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

export class Compiler {
  private nextId = 1;
  private readonly expanding: string[] = [];
  private readonly recursive = new Map<string, Node[]>();

  constructor(
    private readonly partials: PartialSources,
    private readonly granularity: Granularity = 'item',
    /** False for a lambda's template: its output is escaped as data (escapeMarkers), so it may hold marker-shaped comments. */
    private readonly reserveMarkers = true,
  ) {}

  compileTemplate(source: string): Node[] {
    const body = new Body(this, new HtmlModel(source), true);
    this.emit(parseTokens(source), source, body, undefined);
    return body.finish();
  }

  /** Nodes of a partial that includes itself, compiled once on first render. */
  recursivePartial(node: PartialNode): Node[] {
    const cacheKey = `${node.open.join(' ')}${node.markers ? '' : '!'}\u0000${node.indentation}${node.lineHasNonSpace ? '+' : '-'}${node.name}`;
    let nodes = this.recursive.get(cacheKey);
    if (!nodes) {
      nodes = [];
      this.recursive.set(cacheKey, nodes);
      const source = this.partialSource(node);
      if (source !== undefined) {
        // Compiled as inside the elements open where it is, and with no regions where no marker may go.
        const body = new Body(this, HtmlModel.inside(node.open, node.markers), this.granularity === 'value');
        this.expanding.push(node.name);
        this.emit(parseTokens(source, node.name), source, body, node.name);
        this.expanding.pop();
        nodes.push(...body.finish());
      }
    }
    return nodes;
  }

  region(type: RegionKind, body: Node[], list: SectionNode | null, place: Place): RegionNode {
    return { kind: 'region', id: (this.nextId++).toString(36), type, body, dynamic: dynamicNodes(body), list, open: place.open, lead: 0, trail: '' };
  }

  private emit(tokens: Token[], source: string, body: Body, partial: string | undefined): void {
    for (const token of tokens) {
      const [type, value] = token;
      switch (type) {
        case 'text':
          if (this.reserveMarkers) rejectMarkers(value, source, token[2], partial);
          body.addText(value);
          break;
        case 'name':
        case '&':
          this.emitVar(body, value, type === 'name');
          break;
        case '#':
        case '^':
          this.emitSection(body, token, source, partial);
          break;
        case '>':
          this.emitPartial(body, token);
          break;
        default: // comments and delimiter changes render nothing
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

  private emitSection(body: Body, token: Token, source: string, partial: string | undefined): void {
    const [type, name] = token;
    const before = body.place;
    const inner = new Body(this, body.model, this.granularity === 'value');
    this.emit(token[4] as Token[], source, inner, partial);
    const sectionBody = inner.finish();
    // The section may render nothing, so what follows may still open a <pre>.
    if (before.preStart) body.model.keepPreStart();
    const section: SectionNode = {
      kind: 'section',
      ...(outOfFlow(before) && { wholePage: true }),
      name,
      path: splitName(name),
      inverted: type === '^',
      body: sectionBody,
      dynamic: dynamicNodes(sectionBody),
      hasRegions: canHaveRegions(sectionBody),
      flat: false,
      source: source.slice(token[3], token[5] as number),
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

  private emitPartial(body: Body, token: Token): void {
    const node: PartialNode = {
      kind: 'partial',
      name: token[1],
      indentation: token[5] === 0 && token[4] ? (token[4] as string) : '',
      lineHasNonSpace: Boolean(token[6]),
      open: body.place.open,
      markers: body.place.markers,
    };
    if (this.expanding.includes(node.name)) {
      body.markEnclosing();
      body.addNode(node);
      return;
    }
    const source = this.partialSource(node);
    if (source === undefined) return; // the spec renders a missing partial as nothing
    const name = node.name;
    this.expanding.push(name);
    this.emit(parseTokens(source, name), source, body, name);
    this.expanding.pop();
  }

  private partialSource({ name, indentation, lineHasNonSpace }: PartialNode): string | undefined {
    const source = this.partials.get(name);
    return source === undefined || !indentation ? source : indentPartial(source, indentation, lineHasNonSpace);
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

function rejectMarkers(text: string, source: string, start: number, partial: string | undefined): void {
  ANNOTATION_PATTERN.lastIndex = 0;
  const found = ANNOTATION_PATTERN.exec(text);
  if (found) {
    throw templateError(
      'reserved_marker',
      `the comment ${found[0]} looks like a StateTemplate marker; change it`,
      source,
      start + found.index,
      partial,
    );
  }
}
