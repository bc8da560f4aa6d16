import Mustache from 'mustache';
import { TemplateError, type TemplateErrorCode } from './errors.js';

/** mustache.js token tuples, as returned by its parser. */
export type Token = [type: string, value: string, start: number, end: number, ...rest: unknown[]];

// A private writer without the global template cache: compiled templates are ours to keep.
const writer = new Mustache.Writer();
(writer as unknown as { templateCache: undefined }).templateCache = undefined;

const MESSAGES: [RegExp, TemplateErrorCode][] = [
  [/^Unclosed section/, 'unclosed_section'],
  [/^Unopened section/, 'unopened_section'],
  [/^Unclosed tag/, 'unclosed_tag'],
  [/^Invalid tags/, 'invalid_delimiters'],
];

/** Parses with mustache.js, turning its errors into TemplateError with a position. */
export function parseTokens(source: string, partial?: string): Token[] {
  try {
    return writer.parse(source) as unknown as Token[];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = MESSAGES.find(([re]) => re.test(message))?.[1] ?? 'syntax';
    const at = /at (\d+)\s*$/.exec(message);
    const offset = at ? Number(at[1]) : source.length;
    throw templateError(code, message.replace(/ at \d+\s*$/, ''), source, offset, partial);
  }
}

export function templateError(
  code: TemplateErrorCode,
  reason: string,
  source: string,
  offset: number,
  partial?: string,
): TemplateError {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = source.indexOf('\n', offset);
  const text = source.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  const column = offset - lineStart + 1;
  const snippet = `${text}\n${' '.repeat(column - 1)}^`;
  return new TemplateError(code, reason, line, column, snippet, partial);
}
