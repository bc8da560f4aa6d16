import type { BlockToken, Token } from './tokenizer.js';

/**
 * Inheritance (the spec's optional module), resolved at compile time: a
 * parent's body is compiled with its caller's argument blocks in place of
 * its own blocks, so what renders is an ordinary tree.
 */

/** The argument blocks in effect, by block name. */
export type Overrides = ReadonlyMap<string, BlockToken>;

export const NO_OVERRIDES: Overrides = new Map();

/**
 * What a parent's body sees: its own arguments under its callers' (a
 * caller's argument wins: "top-level substitutions take precedence").
 */
export function withArguments(args: readonly BlockToken[], outer: Overrides): Overrides {
  if (args.length === 0) return outer;
  const merged = new Map<string, BlockToken>();
  for (const arg of args) if (!merged.has(arg.name)) merged.set(arg.name, arg);
  for (const [name, arg] of outer) merged.set(name, arg);
  return merged;
}

const ids = new WeakMap<BlockToken, number>();
let nextId = 0;

/** Names an inclusion of partial `name` under `overrides`: the same key twice on the way in is a recursion. */
export function inclusionKey(name: string, overrides: Overrides | undefined): string {
  if (!overrides || overrides.size === 0) return name;
  const parts: string[] = [];
  for (const [block, arg] of overrides) {
    let id = ids.get(arg);
    if (id === undefined) ids.set(arg, (id = nextId++));
    parts.push(`${block}=${id}`);
  }
  return `${name}\u0000${parts.sort().join('\u0000')}`;
}

const reindented = new WeakMap<readonly Token[], Map<string, Token[]>>();

/**
 * An argument's tokens as they fill a block: the argument's own
 * indentation (`strip`) taken off the start of each line, the block's
 * (`add`) put on each line that is not empty, the first line only when
 * `first` (the block's tag stood alone on its line, so its line starts at
 * the block). Nested tags that carry indentation are shifted alike. The
 * same inputs give the same tokens, so inclusions keyed by them repeat.
 */
export function reindent(tokens: readonly Token[], strip: string, add: string, first: boolean): readonly Token[] {
  if (strip === '' && add === '') return tokens;
  const key = `${strip}\u0000${add}\u0000${first}`;
  let byKey = reindented.get(tokens);
  if (!byKey) reindented.set(tokens, (byKey = new Map()));
  let out = byKey.get(key);
  if (!out) byKey.set(key, (out = new Reindent(strip, add, first).tokens(tokens)));
  return out;
}

class Reindent {
  /** Nothing of the current line has been seen yet. */
  private lineStart = true;
  /** Whether the current line takes `add`. */
  private adds: boolean;
  /** How much the current line's text lost to `strip`, or -1 before its text. */
  private stripped = -1;

  constructor(
    private readonly strip: string,
    private readonly add: string,
    first: boolean,
  ) {
    this.adds = first;
  }

  tokens(tokens: readonly Token[], closeStandalone = true): Token[] {
    const out: Token[] = [];
    for (const token of tokens) {
      if (token.kind === 'text') {
        out.push({ kind: 'text', text: this.text(token.text) });
        continue;
      }
      const standalone = token.kind !== 'var' && token.standalone;
      if (this.lineStart && !standalone) this.begin(out);
      out.push(this.tag(token));
      // A tag whose line was dropped leaves the line start to what follows it, on a line of its own.
      if (this.lineStart) this.adds = true;
    }
    // An end tag that kept its line starts that line inside the element.
    if (this.lineStart && !closeStandalone) this.begin(out);
    return out;
  }

  private tag(token: Exclude<Token, { kind: 'text' }>): Token {
    switch (token.kind) {
      case 'var':
        return token;
      case 'partial':
        return { ...token, indentation: token.indentation === null ? null : this.shift(token.indentation) };
      case 'parent':
        return { ...token, indentation: this.shift(token.indentation), args: token.args.map((arg) => this.block(arg)) };
      case 'block':
        return this.block(token);
      case 'section':
        return { ...token, children: this.tokens(token.children, token.closeStandalone) };
    }
  }

  private block(token: BlockToken): BlockToken {
    // The intrinsic indentation is the next line's, which takes `add`; the indent is that, or the tag's own line's.
    const next = (s: string | null) => (s === null ? null : this.add + cut(s, this.strip));
    const indent = token.intrinsic !== null ? next(token.indent) : token.indent === null ? null : this.shift(token.indent);
    const intrinsic = next(token.intrinsic);
    return { ...token, intrinsic, indent, children: this.tokens(token.children, token.closeStandalone) };
  }

  /** Text, line by line: each line start loses `strip` and, unless the line is empty, gains `add`. */
  private text(text: string): string {
    let out = '';
    for (let at = 0; at < text.length; ) {
      const newline = text.indexOf('\n', at);
      let line = text.slice(at, newline < 0 ? text.length : newline + 1);
      at += line.length;
      if (this.lineStart) {
        if (this.stripped < 0) {
          this.stripped = line.startsWith(this.strip) ? this.strip.length : 0;
          line = line.slice(this.stripped);
        }
        if (line === '') continue; // only indentation so far: a tag may follow
        if (line !== '\n') {
          if (this.adds) out += this.add;
          this.lineStart = false;
        }
      }
      out += line;
      if (newline >= 0) this.newLine();
    }
    return out;
  }

  /** The current line goes on with a tag. */
  private begin(out: Token[]): void {
    if (this.adds && this.add !== '') out.push({ kind: 'text', text: this.add });
    this.lineStart = false;
  }

  private newLine(): void {
    this.lineStart = true;
    this.adds = true;
    this.stripped = -1;
  }

  /** Whitespace mirroring the current line's start, shifted as that line is. */
  private shift(prefix: string): string {
    const lost = this.stripped >= 0 ? this.stripped : prefix.startsWith(this.strip) ? this.strip.length : 0;
    return (this.adds ? this.add : '') + prefix.slice(lost);
  }
}

function cut(prefix: string, strip: string): string {
  return prefix.startsWith(strip) ? prefix.slice(strip.length) : prefix;
}
