import { ANNOTATION_PATTERN } from '@statetemplate/protocol';
import { splitName } from './context.js';
import { LEAD_ANY, LEAD_CR, openEnd } from './fit.js';
import {
  cloneState,
  commentSafe,
  initialState,
  sameState,
  scan,
  templateRoot,
  textSafe,
  type ScanEvents,
  type ScanState,
} from './html-scanner.js';
import { canHaveRegions, dynamicNodes, type Node, type PartialNode, type RegionKind, type RegionNode, type SectionNode } from './nodes.js';
import { parseTokens, templateError, type Token } from './parse.js';

/** 'item': a list item is the smallest unit inside sections; 'value': values and elements inside items get regions too. */
export type Granularity = 'item' | 'value';

/** An element or comment of the current body that may become a region. */
interface Pending {
  start: number;
  needsRegion: boolean;
  depth: number;
}

/**
 * Builds the node list of one body (the template, or one section's body):
 * static text is cut at element boundaries so that an element whose tag
 * holds dynamics can be wrapped into a region once its end tag is seen.
 */
class Body implements ScanEvents {
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
    readonly state: ScanState,
    /**
     * Whether values and elements get regions of their own here. Always at the
     * template's top; inside sections only at 'value' granularity (otherwise
     * the list item or section is the unit).
     */
    readonly fine: boolean,
  ) {}

  addText(text: string): void {
    this.chunk = text;
    this.pos = 0;
    scan(this.state, text, this);
    this.take(text.length);
  }

  addNode(node: Node): void {
    this.flush();
    this.out.push(node);
  }

  /** Marks the element (or comment) holding a dynamic that cannot have markers of its own. */
  markEnclosing(): void {
    if (!this.fine) return;
    const template = templateRoot(this.state);
    if (template >= 0) {
      // Nothing inside a <template> can have markers: the outermost one is the unit, if it opened in this body.
      const pending = this.open.findLast((p) => p.depth === template);
      if (pending) pending.needsRegion = true;
      return;
    }
    if (this.state.mode === 'tag' || this.state.mode === 'attr_dq' || this.state.mode === 'attr_sq') {
      if (this.opening) this.opening.needsRegion = true;
      return;
    }
    if (this.state.mode === 'comment') {
      if (this.comment) this.comment.needsRegion = true;
      return;
    }
    const inner = this.open[this.open.length - 1];
    if (inner && inner.depth === this.state.stack.length - 1) inner.needsRegion = true;
  }

  finish(): Node[] {
    this.flush();
    return mergeText(this.out);
  }

  startTagOpen(_name: string, offset: number): void {
    this.take(offset);
    this.flush();
    this.opening = { start: this.out.length, needsRegion: false, depth: this.state.stack.length };
  }

  startTagClose(_name: string, offset: number, closed: boolean): void {
    const element = this.opening;
    this.opening = null;
    if (!element) return;
    element.depth = this.state.stack.length - 1;
    if (closed) this.complete(element, offset, 'element');
    else this.open.push(element);
  }

  endTag(_name: string, offset: number): void {
    const depth = this.state.stack.length;
    while (this.open.length > 0 && this.open[this.open.length - 1]!.depth > depth) this.open.pop();
    const top = this.open[this.open.length - 1];
    if (top && top.depth === depth) {
      this.open.pop();
      this.complete(top, offset, 'element');
    }
  }

  commentOpen(offset: number, end: number): void {
    if (end >= 0) return;
    this.take(offset);
    this.flush();
    this.comment = { start: this.out.length, needsRegion: false, depth: this.state.stack.length };
  }

  commentClose(offset: number): void {
    const comment = this.comment;
    this.comment = null;
    if (comment) this.complete(comment, offset, 'comment');
  }

  fostered(): void {
    this.broken = true;
  }

  private complete(pending: Pending, offset: number, type: RegionKind): void {
    if (!pending.needsRegion || this.broken || !this.fine) return;
    this.take(offset);
    this.flush();
    const body = mergeText(this.out.splice(pending.start));
    this.out.push(this.compiler.region(type, body, null, this.state));
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
    private readonly partials: Record<string, string>,
    private readonly granularity: Granularity = 'item',
    /** False for a lambda's template: its output is escaped as data (escapeMarkers), so it may hold marker-shaped comments. */
    private readonly reserveMarkers = true,
  ) {}

  compileTemplate(source: string): Node[] {
    const body = new Body(this, initialState(), true);
    this.emit(parseTokens(source), source, body, undefined);
    return body.finish();
  }

  /** Nodes of a partial that includes itself, compiled once on first render. */
  recursivePartial(node: PartialNode): Node[] {
    const cacheKey = `${node.inTemplate ? 't' : ''}${node.indentation}${node.lineHasNonSpace ? '+' : '-'}${node.name}`;
    let nodes = this.recursive.get(cacheKey);
    if (!nodes) {
      nodes = [];
      this.recursive.set(cacheKey, nodes);
      const source = this.partialSource(node);
      if (source !== undefined) {
        const state = initialState();
        // Compiled as inside the template it is in, so that it makes no regions there.
        if (node.inTemplate) state.stack.push({ name: 'template', implied: true });
        const body = new Body(this, state, this.granularity === 'value');
        this.expanding.push(node.name);
        this.emit(parseTokens(source, node.name), source, body, node.name);
        this.expanding.pop();
        nodes.push(...body.finish());
      }
    }
    return nodes;
  }

  region(type: RegionKind, body: Node[], list: SectionNode | null, state: ScanState): RegionNode {
    const open = state.stack.map((e) => e.name);
    return { kind: 'region', id: (this.nextId++).toString(36), type, body, dynamic: dynamicNodes(body), list, open, lead: 0, trail: '' };
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
    const node: Node = { kind: 'var', name, path: splitName(name), escape, ...(outOfFlow(body.state) && { wholePage: true }) };
    if (body.fine && !body.broken && textSafe(body.state)) {
      body.addNode(this.region('value', [node], null, body.state));
      return;
    }
    body.markEnclosing();
    body.addNode(node);
  }

  private emitSection(body: Body, token: Token, source: string, partial: string | undefined): void {
    const [type, name] = token;
    const before = cloneState(body.state);
    const inner = new Body(this, body.state, this.granularity === 'value');
    this.emit(token[4] as Token[], source, inner, partial);
    const sectionBody = inner.finish();
    // The section may render nothing, so what follows may still open a <pre>.
    if (before.atPreStart) body.state.atPreStart = true;
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
    const balanced = !inner.broken && sameState(before, body.state);
    if (balanced && !body.broken && commentSafe(before)) {
      body.addNode(this.region('section', [section], section.inverted ? null : section, before));
      return;
    }
    section.flat = section.hasRegions;
    body.markEnclosing();
    // After an unbalanced section the scanner cannot know what the parser saw.
    if (before.mode !== body.state.mode) body.broken = true;
    body.addNode(section);
  }

  private emitPartial(body: Body, token: Token): void {
    const node: PartialNode = {
      kind: 'partial',
      name: token[1],
      indentation: token[5] === 0 && token[4] ? (token[4] as string) : '',
      lineHasNonSpace: Boolean(token[6]),
      inTemplate: templateRoot(body.state) >= 0,
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
    const source = Object.hasOwn(this.partials, name) ? this.partials[name] : undefined;
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
function outOfFlow(state: ScanState): true | undefined {
  const inTag = state.mode === 'tag' || state.mode === 'attr_dq' || state.mode === 'attr_sq';
  if (inTag && (state.current === 'select' || TABLE_STRUCTURE.has(state.current))) return true;
  if (state.stack.some((e) => e.name === 'select')) return true;
  for (let k = state.stack.length - 1; k >= 0; k--) {
    const { name } = state.stack[k]!;
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
