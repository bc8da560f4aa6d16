import { ANNOTATION_PATTERN } from '@statetemplate/protocol';
import { TemplateError, type TemplateErrorCode } from './errors.js';

/**
 * The Mustache tokenizer: tags, standalone lines, set-delimiter tags, and
 * the optional modules' parents, blocks and dynamic names. Its whitespace
 * rules are mustache.js's (which the core spec and the property tests check
 * against), extended as the inheritance spec asks for parents and blocks.
 */

export type Delimiters = readonly [open: string, close: string];
export const DEFAULT_DELIMITERS: Delimiters = ['{{', '}}'];

export type Token = TextToken | VarToken | SectionToken | PartialToken | ParentToken | BlockToken;

export interface TextToken {
  kind: 'text';
  text: string;
}

/** `{{name}}`, or raw: `{{{name}}}`, `{{&name}}`. */
export interface VarToken {
  kind: 'var';
  name: string;
  escape: boolean;
}

/** A tag that may sit alone on its line, which is then dropped from the output (`standalone`). */
interface LineTag {
  standalone: boolean;
}

/** A tag with an end tag; `closeStandalone` when that end tag's line was dropped. */
interface Element extends LineTag {
  children: Token[];
  closeStandalone: boolean;
}

export interface SectionToken extends Element {
  kind: 'section';
  name: string;
  inverted: boolean;
  /** The body's source as written, for a lambda. */
  source: string;
  /** The delimiters in effect at the tag: a lambda's output is read with them. */
  delimiters: Delimiters;
}

/** `{{>name}}`, or `{{>*name}}`, where `name` is looked up in the data for the partial's name. */
export interface PartialToken extends LineTag {
  kind: 'partial';
  name: string;
  dynamic: boolean;
  /**
   * What precedes the tag on its line (non-space characters as spaces, as
   * mustache.js does), or null when another tag does: the partial's lines take it.
   */
  indentation: string | null;
  /** Whether text that is not whitespace precedes the tag on its line: its first line is then not indented. */
  lineHasNonSpace: boolean;
}

/** `{{<name}}…{{/name}}`: the partial `name` with the blocks inside given as its arguments. */
export interface ParentToken extends Element {
  kind: 'parent';
  name: string;
  dynamic: boolean;
  /** The tag's indentation when the pair stands alone on its lines: the parent's lines take it. */
  indentation: string;
  /** The argument blocks (the other content of a parent is ignored). */
  args: BlockToken[];
}

/** `{{$name}}default{{/name}}`: a place a parent's caller may fill, or (inside a parent) the argument that fills it. */
export interface BlockToken extends Element {
  kind: 'block';
  name: string;
  /**
   * Whitespace that starts the block's lines in the source, when its tag
   * ends its line (the next line's indentation), else null: dropped from
   * them when the block fills another.
   */
  intrinsic: string | null;
  /** Whitespace that the lines of an argument filling this block take, when the pair stands alone on its lines, else null. */
  indent: string | null;
}

export interface TokenizeOptions {
  /** The partial being read, for error messages. */
  partial?: string;
  delimiters?: Delimiters;
  /** Refuse static text that looks like a StateTemplate marker (false for a lambda's output, which is escaped as data). */
  reserveMarkers?: boolean;
}

/** Tag type characters; any other is a variable. */
const TYPES = new Set(['#', '^', '/', '>', '{', '&', '=', '!', '<', '$']);
const SPACE = /\s*/y;
const NON_SPACE = /\S/;
const REST_OF_LINE = /[^\S\n]*(?:\n|$)/y;
const LINE_END = /[^\S\n]*\n([ \t]*)/y;

interface Open {
  token: SectionToken | ParentToken | BlockToken;
  /** The name as written, for the end tag. */
  key: string;
  /** Where the tag ends: a section's body starts there. */
  end: number;
  line: number;
  /** Only whitespace precedes the tag on its line. */
  clearLeft: boolean;
  /** The text of the tag's line before it. */
  lead: TextToken[];
  /** The next line's leading whitespace when the tag ends its line, else null. */
  nextIndent: string | null;
  parentArg: boolean;
}

/** Tokenizes a template; throws TemplateError with the position of what is malformed. */
export function tokenize(source: string, options: TokenizeOptions = {}): Token[] {
  return new Tokenizer(source, options).run();
}

class Tokenizer {
  private pos = 0;
  private open: string;
  private close: string;
  private readonly root: Token[] = [];
  private readonly stack: Open[] = [];
  // The current line: its text, its tags, whether a tag or non-space text is on it.
  private line = 0;
  private lineText: TextToken[] = [];
  private lineTags: (LineTag | { closes: Element })[] = [];
  private hasTag = false;
  private nonSpace = false;
  private lineHasNonSpace = false;
  /** Set by a parent pair standing alone on its lines: the line's text from this piece on (whitespace after its end tag) is dropped. */
  private dropFrom = -1;

  constructor(
    private readonly source: string,
    private readonly options: TokenizeOptions,
  ) {
    [this.open, this.close] = options.delimiters ?? DEFAULT_DELIMITERS;
  }

  run(): Token[] {
    const { source } = this;
    while (this.pos < source.length) {
      const start = source.indexOf(this.open, this.pos);
      this.text(start < 0 ? source.length : start);
      if (start < 0) break;
      this.tag(start);
    }
    this.endLine();
    const unclosed = this.stack.pop();
    if (unclosed) throw this.error('unclosed_section', `Unclosed section "${unclosed.key}"`, source.length);
    return tidy(this.root);
  }

  private get children(): Token[] {
    const top = this.stack[this.stack.length - 1];
    return top ? top.token.children : this.root;
  }

  /** Static text up to `end`, one line at a time. */
  private text(end: number): void {
    const { source } = this;
    if (end === this.pos) return;
    if (this.options.reserveMarkers !== false) this.rejectMarkers(this.pos, end);
    while (this.pos < end) {
      const newline = source.indexOf('\n', this.pos);
      const stop = newline < 0 || newline >= end ? end : newline + 1;
      const token: TextToken = { kind: 'text', text: source.slice(this.pos, stop) };
      this.children.push(token);
      this.lineText.push(token);
      if (NON_SPACE.test(token.text)) this.nonSpace = this.lineHasNonSpace = true;
      this.pos = stop;
      if (source.charCodeAt(stop - 1) === 10) this.endLine();
    }
  }

  /** A line ends: when it held tags and only whitespace otherwise, its whitespace and line end are dropped. */
  private endLine(): void {
    if (this.dropFrom >= 0) for (const token of this.lineText.slice(this.dropFrom)) token.text = '';
    if (this.hasTag && !this.nonSpace) {
      for (const token of this.lineText) token.text = '';
      for (const tag of this.lineTags) {
        if ('closes' in tag) tag.closes.closeStandalone = true;
        else tag.standalone = true;
      }
    }
    this.line++;
    this.lineText = [];
    this.lineTags = [];
    this.hasTag = this.nonSpace = this.lineHasNonSpace = false;
    this.dropFrom = -1;
  }

  private tag(start: number): void {
    const { source } = this;
    this.pos = skipSpace(source, start + this.open.length);
    let type = source[this.pos] ?? '';
    if (TYPES.has(type)) this.pos = skipSpace(source, this.pos + 1);
    else type = 'name';
    let value: string;
    if (type === '=') {
      value = this.until('=');
      this.pos = this.closeAt(skipSpace(source, this.pos) + 1);
    } else if (type === '{') {
      value = this.until(`}${this.close}`);
      this.pos = this.closeAt(skipSpace(source, this.pos) + 1);
      type = '&';
    } else {
      value = this.until(this.close);
      this.pos = this.closeAt(this.pos);
    }
    const tagIndex = this.lineTags.length;
    const clearLeft = tagIndex === 0 && !this.lineHasNonSpace;
    this.hasTag = true;
    switch (type) {
      case 'name':
      case '&':
        this.nonSpace = true;
        this.children.push({ kind: 'var', name: value, escape: type === 'name' });
        this.lineTags.push({ standalone: false });
        break;
      case '#':
      case '^': {
        const token: SectionToken = { kind: 'section', name: value, inverted: type === '^', children: [], source: '', delimiters: [this.open, this.close], standalone: false, closeStandalone: false };
        this.push(token, value, start, clearLeft);
        break;
      }
      case '<': {
        const [name, dynamic] = dynamicName(value);
        const token: ParentToken = { kind: 'parent', name, dynamic, indentation: '', args: [], children: [], standalone: false, closeStandalone: false };
        this.push(token, value, start, clearLeft);
        break;
      }
      case '$': {
        const token: BlockToken = { kind: 'block', name: value, intrinsic: null, indent: null, children: [], standalone: false, closeStandalone: false };
        this.push(token, value, start, clearLeft);
        break;
      }
      case '/':
        this.end(value, start);
        break;
      case '>': {
        const [name, dynamic] = dynamicName(value);
        const indentation = tagIndex === 0 ? this.lineText.map((t) => t.text).join('').replace(/\S/g, ' ') : null;
        const token: PartialToken = { kind: 'partial', name, dynamic, indentation, lineHasNonSpace: this.lineHasNonSpace, standalone: false };
        this.children.push(token);
        this.lineTags.push(token);
        break;
      }
      case '=':
        this.setDelimiters(value, start);
        this.lineTags.push({ standalone: false });
        break;
      default: // a comment
        this.lineTags.push({ standalone: false });
        break;
    }
  }

  private push(token: SectionToken | ParentToken | BlockToken, key: string, at: number, clearLeft: boolean): void {
    const parent = this.stack[this.stack.length - 1];
    const parentArg = token.kind === 'block' && parent?.token.kind === 'parent';
    if (parentArg) (parent.token as ParentToken).args.push(token as BlockToken);
    this.children.push(token);
    this.lineTags.push(token);
    LINE_END.lastIndex = this.pos;
    const next = LINE_END.exec(this.source);
    this.stack.push({ token, key, end: this.pos, line: this.line, clearLeft, lead: this.lineText.slice(), nextIndent: next ? next[1]! : null, parentArg });
  }

  private end(key: string, at: number): void {
    const open = this.stack.pop();
    if (!open) throw this.error('unopened_section', `Unopened section "${key}"`, at);
    const { token } = open;
    if (open.key !== key && !(token.kind === 'parent' && sameParent(open.key, key))) throw this.error('unclosed_section', `Unclosed section "${open.key}"`, at);
    this.lineTags.push({ closes: token });
    REST_OF_LINE.lastIndex = this.pos;
    const clearRight = REST_OF_LINE.test(this.source);
    const alone = open.clearLeft && clearRight;
    if (token.kind === 'section') token.source = this.source.slice(open.end, at);
    else if (token.kind === 'parent') {
      token.children = [];
      if (alone) {
        // A parent pair alone on its lines drops the whitespace before it and its end tag's line end (the inheritance spec).
        token.indentation = open.lead.map((t) => t.text).join('');
        for (const text of open.lead) text.text = '';
        this.dropFrom = this.lineText.length;
        token.standalone = token.closeStandalone = true;
      }
    } else {
      // A block opened and closed on one line keeps that line: its indentation is kept for the argument's later lines.
      if (open.line === this.line) this.nonSpace = true;
      const standalone = open.parentArg || alone;
      token.intrinsic = standalone ? open.nextIndent : null;
      token.indent = alone ? (open.nextIndent ?? open.lead.map((t) => t.text).join('')) : null;
    }
  }

  private setDelimiters(value: string, at: number): void {
    const tags = value.split(/\s+/, 2);
    if (tags.length !== 2) throw this.error('invalid_delimiters', `Invalid tags: ${value}`, at);
    [this.open, this.close] = tags as [string, string];
  }

  /** The tag's content up to `end` (trailing whitespace left out); at `end`, or at the source's end when it is missing. */
  private until(end: string): string {
    const found = this.source.indexOf(end, this.pos);
    const stop = found < 0 ? this.source.length : found;
    const value = this.source.slice(this.pos, stop).trimEnd();
    this.pos = this.pos + value.length;
    return value;
  }

  /** Past the closing delimiter found from `from` on; an unclosed tag when there is none. */
  private closeAt(from: number): number {
    const found = this.source.indexOf(this.close, from);
    if (found < 0) throw this.error('unclosed_tag', 'Unclosed tag', this.source.length);
    return found + this.close.length;
  }

  private rejectMarkers(start: number, end: number): void {
    ANNOTATION_PATTERN.lastIndex = 0;
    const found = ANNOTATION_PATTERN.exec(this.source.slice(start, end));
    if (found) throw this.error('reserved_marker', `the comment ${found[0]} looks like a StateTemplate marker; change it`, start + found.index);
  }

  private error(code: TemplateErrorCode, reason: string, offset: number): TemplateError {
    return templateError(code, reason, this.source, offset, this.options.partial);
  }
}

function skipSpace(source: string, from: number): number {
  SPACE.lastIndex = from;
  SPACE.test(source);
  return SPACE.lastIndex;
}

/** `*name` is a dynamic name: the data's value for `name` is the name. */
function dynamicName(value: string): [name: string, dynamic: boolean] {
  return value.startsWith('*') ? [value.slice(1).trimStart(), true] : [value, false];
}

function sameParent(a: string, b: string): boolean {
  const [x, dx] = dynamicName(a);
  const [y, dy] = dynamicName(b);
  return x === y && dx === dy;
}

/** Drops the text standalone lines left empty and joins adjacent text. */
function tidy(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const token of tokens) {
    if (token.kind === 'text') {
      if (token.text === '') continue;
      const last = out[out.length - 1];
      if (last?.kind === 'text') {
        out[out.length - 1] = { kind: 'text', text: last.text + token.text };
        continue;
      }
    } else if (token.kind === 'parent') token.args.forEach((arg) => (arg.children = tidy(arg.children)));
    else if (token.kind !== 'var' && token.kind !== 'partial') token.children = tidy(token.children);
    out.push(token);
  }
  return out;
}

/** A TemplateError at `offset` of `source`, with its line, column and a snippet. */
export function templateError(code: TemplateErrorCode, reason: string, source: string, offset: number, partial?: string): TemplateError {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = source.indexOf('\n', offset);
  const text = source.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  const column = offset - lineStart + 1;
  const snippet = `${text}\n${' '.repeat(column - 1)}^`;
  return new TemplateError(code, reason, line, column, snippet, partial);
}
