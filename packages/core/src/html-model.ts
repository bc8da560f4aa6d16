import { defaultTreeAdapter, html, InsertionMode, Parser, Token, TokenizerMode, type DefaultTreeAdapterMap } from 'parse5';

/**
 * The template's static text as the page's parser reads it: parse5, the
 * spec's own tokenizer and tree builder, fed one chunk at a time, so the
 * compiler knows where each Mustache tag lands (in text, a tag, a comment,
 * raw text), which elements are open there, and whether a comment marker
 * written there stays beside what follows it. Dynamic output is not fed:
 * escaped values are text, and raw output is checked where it lands (fit.ts).
 */

type Element = DefaultTreeAdapterMap['element'];
type ParentNode = DefaultTreeAdapterMap['parentNode'];

/** What the tokenizer is reading: markup's text, a start tag, a comment, or anything else (raw text, an end tag, a reference…). */
export type Mode = 'data' | 'tag' | 'comment' | 'other';

/** Where a Mustache tag lands. */
export interface Place {
  readonly mode: Mode;
  /** The start tag being read when mode is 'tag', lowercased. */
  readonly tag: string;
  /** The elements open, outermost first, as the parser names them (the body-content root left out). */
  readonly open: readonly string[];
  /** Whether a comment marker written here stays a sibling of what is written next. */
  readonly markers: boolean;
  /** Whether text written here stays here too (not moved out of a table, nor out of the head). */
  readonly text: boolean;
  /** The outermost open HTML <template>, whose content the client cannot patch, or null. */
  readonly template: Element | null;
  /** The innermost open element. */
  readonly current: ParentNode;
  /** Right after a <pre> or <listing> start tag, where the parser drops a leading newline. */
  readonly preStart: boolean;
  /** Everything that decides how what follows parses, for `samePlace`. */
  readonly state: readonly unknown[];
}

/** What the compiler's body learns about the markup of each chunk; offsets are within the chunk. */
export interface ModelEvents {
  /** A start tag's `<`; `anchor` is where a marker written before it goes, or null when none can go there. */
  startTagOpen(offset: number, anchor: ParentNode | null): void;
  /** The end of a start tag (just after `>`): the element it opened, or null when it left nothing open (void, self-closed, ignored). */
  startTagClose(offset: number, element: Element | null, anchor: ParentNode | null): void;
  /** An element closed by its own end tag, which ends at `offset`; `anchor` is where a marker written after it goes. */
  elementClosed(element: Element, offset: number, anchor: ParentNode | null): void;
  /** An element left the open elements without its own end tag (implied, or closed with an ancestor). */
  elementPopped(element: Element): void;
  /** A comment going on past this chunk starts at `offset`. */
  commentOpen(offset: number, anchor: ParentNode | null): void;
  /** A comment begun in an earlier chunk ends at `offset`. */
  commentClose(offset: number, anchor: ParentNode | null): void;
  /** The parser moved content out of a table: markers near it no longer stay where written. */
  fostered(): void;
}

/** A whole page rather than body content: parsed as a document. */
export const WHOLE_PAGE = /^\s*<(?:!doctype|html)/i;

/** Where text stays where it is written. */
const TEXT_MODES = new Set<InsertionMode>([
  InsertionMode.IN_BODY,
  InsertionMode.IN_CELL,
  InsertionMode.IN_CAPTION,
  InsertionMode.IN_SELECT,
  InsertionMode.IN_SELECT_IN_TABLE,
]);
/** Where a comment goes into the innermost open element, as elements written next do. */
const MARKER_MODES = new Set<InsertionMode>([
  ...TEXT_MODES,
  InsertionMode.IN_HEAD,
  InsertionMode.IN_TABLE,
  InsertionMode.IN_TABLE_BODY,
  InsertionMode.IN_ROW,
  InsertionMode.IN_COLUMN_GROUP,
]);
/** The page's own elements: the client never replaces them as a fragment. */
const PAGE_ELEMENTS = new Set(['html', 'head', 'body', 'frameset']);

/** The parts of parse5's parser and tokenizer the model reads; parse5 keeps them protected. */
interface Internals {
  tokenizer: { currentToken: Token.Token | null; state: number };
}

/** parse5's tree builder, reporting what the compiler's body needs as it goes. */
class ModelParser extends Parser<DefaultTreeAdapterMap> {
  events: ModelEvents | null = null;
  /** Where the current chunk starts in the whole input. */
  base = 0;
  /** Nesting of token handlers: the parser reprocesses some tokens through them. */
  private depth = 0;
  private popped: Element[] | null = null;
  private pushed: Element | null = null;

  override onStartTag(token: Token.TagToken): void {
    if (this.depth++ > 0) return this.leave(() => super.onStartTag(token));
    const start = token.location!.startOffset;
    if (start >= this.base) this.events?.startTagOpen(start - this.base, this.anchor());
    this.pushed = null;
    super.onStartTag(token);
    const element = this.pushed !== null && this.pushed === this.openElements.current ? this.pushed : null;
    this.depth--;
    this.events?.startTagClose(token.location!.endOffset - this.base, element, this.anchor());
  }

  override onEndTag(token: Token.TagToken): void {
    if (this.depth++ > 0) return this.leave(() => super.onEndTag(token));
    const popped: Element[] = (this.popped = []);
    super.onEndTag(token);
    this.popped = null;
    this.depth--;
    // Its own end tag pops an element last, after what it implicitly closes.
    const own = popped.findLast((e) => e.tagName.toLowerCase() === token.tagName);
    for (const element of popped) if (element !== own) this.events?.elementPopped(element);
    if (own) this.events?.elementClosed(own, token.location!.endOffset - this.base, this.anchor());
  }

  override onComment(token: Token.CommentToken): void {
    if (this.depth++ > 0) return this.leave(() => super.onComment(token));
    super.onComment(token);
    this.depth--;
    if (token.location!.startOffset < this.base) this.events?.commentClose(token.location!.endOffset - this.base, this.anchor());
  }

  override onItemPush(node: ParentNode, tid: number, isTop: boolean): void {
    super.onItemPush(node, tid, isTop);
    this.pushed = node as Element;
  }

  override onItemPop(node: ParentNode, isTop: boolean): void {
    super.onItemPop(node, isTop);
    if (this.popped) this.popped.push(node as Element);
    else this.events?.elementPopped(node as Element);
  }

  override _findFosterParentingLocation(): ReturnType<Parser<DefaultTreeAdapterMap>['_findFosterParentingLocation']> {
    this.events?.fostered();
    return super._findFosterParentingLocation();
  }

  /** Where a comment written now goes, or null where it would not stay beside what follows. */
  anchor(): ParentNode | null {
    if (!MARKER_MODES.has(this.mode()) || this.openElements.tmplCount > 0 || this.reconstructs()) return null;
    return this.openElements.current ?? null;
  }

  /** The insertion mode, where pending whitespace in a table counts as the table's own mode: it stays in the table. */
  mode(): InsertionMode {
    const pendingSpace = this.insertionMode === InsertionMode.IN_TABLE_TEXT && !this.hasNonWhitespacePendingCharacterToken;
    return pendingSpace ? this.originalInsertionMode : this.insertionMode;
  }

  /** Whether text or a tag written now would first reopen formatting elements that an end tag closed. */
  private reconstructs(): boolean {
    const newest = this.activeFormattingElements.newest;
    return newest !== null && 'element' in newest && !this.openElements.contains(newest.element);
  }

  private leave(run: () => void): void {
    try {
      run();
    } finally {
      this.depth--;
    }
  }
}

export class HtmlModel {
  private readonly parser: ModelParser;
  /** The body-content root (a fragment parse's own <html>), left out of `open`. */
  private readonly skip: number;
  private written = 0;
  private cached: Place | null = null;

  /** Parses `source`'s static text as a whole page when it starts like one, else as body content. */
  constructor(source: string) {
    const options = { sourceCodeLocationInfo: true };
    if (WHOLE_PAGE.test(source)) {
      this.parser = new ModelParser(options);
      this.skip = 0;
    } else {
      const body = defaultTreeAdapter.createElement('body', html.NS.HTML, []);
      this.parser = ModelParser.getFragmentParser(body, options) as ModelParser;
      this.skip = 1;
    }
  }

  /**
   * A model already inside the elements `open` (a recursive partial's
   * place, compiled on first use), or inside a <template> where no marker
   * may go.
   */
  static inside(open: readonly string[], markers: boolean): HtmlModel {
    const page = open[0] === 'html';
    const model = new HtmlModel(page ? '<html>' : '');
    model.write(`${page ? '<!DOCTYPE html>' : ''}${open.map((name) => `<${name}>`).join('')}${markers ? '' : '<template>'}`, null);
    return model;
  }

  /** Reads a chunk of static text, reporting its markup to `events`. */
  write(text: string, events: ModelEvents | null): void {
    if (text === '') return;
    const { parser } = this;
    parser.events = events;
    parser.base = this.written;
    this.written += text.length;
    this.cached = null;
    parser.tokenizer.write(text, false);
    // Text still buffered by the tokenizer decides the tree too (an implied <body>, fostering).
    parser.tokenizer.flushCharacters();
    const token = (parser as unknown as Internals).tokenizer.currentToken;
    if (token && token.location && token.location.startOffset >= parser.base) {
      if (token.type === Token.TokenType.START_TAG) events?.startTagOpen(token.location.startOffset - parser.base, parser.anchor());
      else if (token.type === Token.TokenType.COMMENT) events?.commentOpen(token.location.startOffset - parser.base, parser.anchor());
    }
    parser.events = null;
    // Events may have read the place mid-chunk.
    this.cached = null;
  }

  /** A section that may render nothing leaves a <pre> start behind it as it found it. */
  keepPreStart(): void {
    this.parser.skipNextNewLine = true;
    this.cached = null;
  }

  place(): Place {
    return (this.cached ??= this.read());
  }

  private read(): Place {
    const { parser } = this;
    const { tokenizer } = parser as unknown as Internals;
    const token = tokenizer.currentToken;
    const mode: Mode =
      token?.type === Token.TokenType.START_TAG
        ? 'tag'
        : token?.type === Token.TokenType.COMMENT
          ? 'comment'
          : tokenizer.state === TokenizerMode.DATA && !token
            ? 'data'
            : 'other';
    const stack = parser.openElements.items.slice(0, parser.openElements.stackTop + 1) as Element[];
    const anchor = parser.anchor();
    const markers = mode === 'data' && !parser.skipNextNewLine && anchor !== null;
    const formatting: unknown[] = [];
    for (let entry = parser.activeFormattingElements.newest; entry && 'element' in entry; entry = entry.older) formatting.push(entry.element);
    return {
      mode,
      tag: token?.type === Token.TokenType.START_TAG ? (token as Token.TagToken).tagName : '',
      open: stack.slice(this.skip).map((e) => e.tagName.toLowerCase()),
      markers,
      text: markers && TEXT_MODES.has(parser.mode()),
      template: stack.find((e) => e.tagName === 'template' && e.namespaceURI === html.NS.HTML) ?? null,
      current: parser.openElements.current!,
      preStart: parser.skipNextNewLine,
      state: [tokenizer.state, token, parser.mode(), ...stack, '|', ...formatting, '|', ...parser.tmplInsertionModeStack],
    };
  }
}

/** Whether what follows parses the same after `b` as after `a`: the same open elements, modes and pending formatting. */
export function samePlace(a: Place, b: Place): boolean {
  return a.state.length === b.state.length && a.state.every((v, i) => v === b.state[i]);
}

/** Whether an element may be a fragment of its own: not the page's own <html>, <head>, <body>. */
export function patchable(element: Element): boolean {
  return !PAGE_ELEMENTS.has(element.tagName);
}
