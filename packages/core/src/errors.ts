/** Base of every error core throws, so callers can catch them as one family. */
export class StateTemplateError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type TemplateErrorCode =
  | 'unclosed_section'
  | 'unopened_section'
  | 'unclosed_tag'
  | 'invalid_delimiters'
  | 'reserved_marker'
  | 'syntax';

/** A template that cannot be compiled. Thrown by compile(), never at render time. */
export class TemplateError extends StateTemplateError {
  constructor(
    code: TemplateErrorCode,
    readonly reason: string,
    /** 1-based line and column in the template (or partial) source. */
    readonly line: number,
    readonly column: number,
    /** The offending source line with a caret under the position. */
    readonly snippet: string,
    /** Name of the partial the error is in, if not the main template. */
    readonly partial?: string,
  ) {
    super(code, `${reason} at ${partial ? `partial "${partial}" ` : ''}line ${line}, column ${column}\n${snippet}`);
  }
}

export type RenderErrorCode = 'depth_exceeded' | 'data_error' | 'unknown_fragment' | 'state_mismatch' | 'not_replayable';

/** Data that cannot be rendered: a throwing getter or lambda, or unbounded recursion. */
export class RenderError extends StateTemplateError {
  /** For `data_error`: where in the data the render failed, as the template reaches it (`items[3].price`), when known. */
  readonly path?: string;

  constructor(code: RenderErrorCode, message: string, options?: { cause?: unknown; path?: string | undefined }) {
    super(code, message, options);
    if (options?.path !== undefined) this.path = options.path;
  }
}

export type StreamErrorCode = 'not_a_stream' | 'unknown_stream' | 'stream_key' | 'stream_unfit';

/**
 * A stream that cannot be used as asked: `not_a_stream` (the `streams`
 * option names no list region of its own), `unknown_stream` (a name the
 * option does not list), `stream_key` (an item without its key, or keys
 * repeated), `stream_unfit` (an item or the stream cannot be patched alone).
 */
export class StreamError extends StateTemplateError {
  constructor(code: StreamErrorCode, message: string) {
    super(code, message);
  }
}
