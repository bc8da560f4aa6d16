/**
 * The live connection's messages: JSON text frames over a WebSocket, or the
 * same JSON as Server-Sent Events `data:` lines (server to client) and POST
 * bodies (client to server). See packages/server/README.md ("Wire protocol").
 * Every message is an object with a `type`, except `updates`, the one sent
 * most: it goes as the array `[seq, …batch]` (see compact-batch.ts).
 */
import { optional, seq, string, text, type Check } from './checks.js';
import { batchFault, type CompactBatch } from './compact-batch.js';

/** Any value JSON can carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * First message on every connection, before anything else: authenticates and
 * says where the page stands. `last` is the sequence number the page's html is
 * at (0 for the html `newSession` returned), or -1 to ask for the whole page.
 */
export interface HelloMessage {
  type: 'hello';
  sid: string;
  token: string;
  last: number;
  /** The protocol the client speaks, PROTOCOL_VERSION; a server refuses an older client (none: 1) with `gone` `outdated`. */
  v?: number;
}

/** The wire protocol's version: 2 brought the `attrs` action, 3 stream updates (`stream`, `limit`). */
export const PROTOCOL_VERSION = 3;

/** A user event for the application's handler. `cid` names the connection on the SSE transport only. */
export interface EventMessage {
  type: 'event';
  name: string;
  payload?: JsonValue;
  cid?: string;
  /** Asks for an `ack` (or an `error`) carrying this id once the handler and its render are done. */
  id?: number;
}

/**
 * The page's URL changed without a reload: a `data-st-patch` link was
 * followed, or the user went back or forward. `url` is the path (with
 * query and hash) of the page's own origin. Acknowledged like an event.
 */
export interface NavigateMessage {
  type: 'navigate';
  url: string;
  cid?: string;
  id?: number;
}

/** One file of an upload, as the page's input describes it. `ref` names it in the messages that follow. */
export interface UploadFile {
  ref: number;
  name: string;
  size: number;
  /** Its MIME type as the browser guessed it; may be empty. */
  type: string;
}

/** The files picked in a `data-st-upload` input: the server accepts each with a `progress` of 0 bytes, or refuses it with an `error`. */
export interface UploadMessage {
  type: 'upload';
  /** The input's `data-st-upload` name. */
  upload: string;
  files: UploadFile[];
  cid?: string;
}

/** The next bytes of an accepted file, in base64, at most the `chunk` size the server gave. */
export interface ChunkMessage {
  type: 'chunk';
  ref: number;
  data: string;
  cid?: string;
}

/** Stop uploading a file. */
export interface CancelMessage {
  type: 'cancel';
  ref: number;
  cid?: string;
}

export type ClientMessage = HelloMessage | EventMessage | NavigateMessage | UploadMessage | ChunkMessage | CancelMessage;

/** Authenticated; updates follow. On SSE, `cid` is what event POSTs must carry. */
export interface ReadyMessage {
  type: 'ready';
  cid?: string;
}

/** The event `id` was handled: the updates of its render came before this. */
export interface AckMessage {
  type: 'ack';
  id: number;
}

/**
 * Sent at every heartbeat: the sequence number the connection has sent up
 * to. A page behind it missed something and asks for the whole page.
 */
export interface BeatMessage {
  type: 'beat';
  seq: number;
}

/** Updates to apply in order (`decodeUpdates(batch)`); afterwards the page is at sequence number `seq`. */
export interface UpdatesMessage {
  type: 'updates';
  seq: number;
  batch: CompactBatch;
}

/** The whole page at `seq`: replaces the root's content (missed updates are no longer kept). */
export interface ResyncMessage {
  type: 'resync';
  seq: number;
  html: string;
  /** True on every part but the last of a page sent in parts (a frame holds at most the server's maxFrameBytes): the parts' html joins up. */
  more?: true;
}

/**
 * Why the server refused one message; the connection stays open.
 * - `malformed`: not JSON, not an object, or a field missing or of the wrong type.
 * - `unknown_type`: a `type` this protocol does not have.
 * - `rate_limited`: more events than the connection's rate limit allows; the event was dropped.
 * - `event_failed`: the application's event handler threw.
 */
export type ErrorCode =
  | 'malformed'
  | 'unknown_type'
  | 'rate_limited'
  | 'event_failed'
  | 'origin_refused'
  | UploadErrorCode;

/**
 * Why the server refused or lost an upload (the error names its `ref`):
 * - `upload_unknown`: no upload of that name, or no such file in progress.
 * - `upload_too_many_files`: more files than its `maxFiles`.
 * - `upload_too_large`: a file over its `maxFileBytes` (declared, or sent).
 * - `upload_not_accepted`: a type or extension its `accept` does not list.
 * - `upload_failed`: the application's onUpload threw.
 */
export type UploadErrorCode = 'upload_unknown' | 'upload_too_many_files' | 'upload_too_large' | 'upload_not_accepted' | 'upload_failed';

export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
  /** The id of the event refused or failed (`rate_limited`, `event_failed`), when it had one. */
  id?: number;
  /** The file an upload error is about. */
  ref?: number;
}

/** An event from the server (Session.pushEvent) for the page's hooks and `st:NAME` listeners, in order with updates. */
export interface PushMessage {
  type: 'push';
  name: string;
  payload: JsonValue;
}

/** The page's URL becomes `url` (a path of its origin) without a reload (Session.navigate). */
export interface NavigateToMessage {
  type: 'navigate';
  url: string;
  /** replaceState instead of pushState. */
  replace?: true;
}

/** The page loads `url`, a path or an http(s) URL (Session.redirect). */
export interface RedirectMessage {
  type: 'redirect';
  url: string;
}

/**
 * The server holds `bytes` of file `ref` (and has room for more: send the
 * next chunks). The first, of 0 bytes, accepts the file and gives `chunk`,
 * the most bytes a chunk may hold.
 */
export interface ProgressMessage {
  type: 'progress';
  ref: number;
  bytes: number;
  chunk?: number;
}

/** The application's onUpload is done with file `ref`. */
export interface UploadedMessage {
  type: 'uploaded';
  ref: number;
}

/**
 * Why a session can no longer be used (`outdated`: the page's client is
 * older than the server's protocol; `reload`: the page needs the whole page,
 * which the server cannot rebuild for it): the page should reload.
 */
export type GoneReason = 'invalid_token' | 'expired' | 'not_found' | 'closed' | 'outdated' | 'reload';

/** The session is gone for good; the server closes the connection right after. Do not reconnect. */
export interface GoneMessage {
  type: 'gone';
  reason: GoneReason;
}

export type ServerMessage =
  | ReadyMessage
  | AckMessage
  | BeatMessage
  | UpdatesMessage
  | ResyncMessage
  | PushMessage
  | NavigateToMessage
  | RedirectMessage
  | ProgressMessage
  | UploadedMessage
  | ErrorMessage
  | GoneMessage;

/**
 * WebSocket close codes. A client reconnects after any close not preceded by
 * a `gone` message or an `origin_refused` error.
 */
export const CLOSE = {
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** A binary frame. */
  UNSUPPORTED_DATA: 1003,
  /** A frame over the server's maxMessageBytes. */
  MESSAGE_TOO_BIG: 1009,
  /** The server failed (for example its session store is down). */
  INTERNAL_ERROR: 1011,
  /** The first frame is not a well-formed message. */
  MALFORMED_FRAME: 4400,
  /** The token does not open this session (after a `gone` message). */
  INVALID_TOKEN: 4401,
  /** The page's Origin is not allowed (after an `origin_refused` error): the upgrade served only to say so. */
  ORIGIN_REFUSED: 4403,
  /** No hello within the server's authentication timeout. */
  AUTH_TIMEOUT: 4408,
  /** A message out of place: anything but hello first, or a second hello. */
  PROTOCOL_VIOLATION: 4409,
  /** The session is unknown, expired or closed (after a `gone` message). */
  SESSION_GONE: 4410,
  /** Events kept coming far past the rate limit. */
  RATE_LIMITED: 4429,
} as const;

export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];

/** A frame that is not a valid message; `code` is what an `error` message reports. */
export class MessageError extends Error {
  override readonly name = 'MessageError';

  constructor(
    readonly code: 'malformed' | 'unknown_type',
    message: string,
  ) {
    super(message);
  }
}

const yes: Check = (v) => v === true;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const uploadFile: Check = (v) => {
  const file = v as Record<string, unknown> | null;
  return typeof file === 'object' && file !== null && seq(file.ref) && string(file.name) && seq(file.size) && string(file.type);
};
const path: Check = isSitePath;

const CLIENT: Record<ClientMessage['type'], Record<string, Check>> = {
  hello: { sid: text, token: text, last: (v) => v === -1 || seq(v), v: /* @__PURE__ */ optional(seq) },
  event: { name: text, cid: /* @__PURE__ */ optional(text), id: /* @__PURE__ */ optional(seq) },
  navigate: { url: path, cid: /* @__PURE__ */ optional(text), id: /* @__PURE__ */ optional(seq) },
  upload: { upload: text, files: (v) => Array.isArray(v) && v.length > 0 && v.every(uploadFile), cid: /* @__PURE__ */ optional(text) },
  chunk: { ref: seq, data: (v) => typeof v === 'string' && BASE64.test(v), cid: /* @__PURE__ */ optional(text) },
  cancel: { ref: seq, cid: /* @__PURE__ */ optional(text) },
};

// `updates` is not here: it never travels as an object.
const SERVER: Record<Exclude<ServerMessage['type'], 'updates'>, Record<string, Check>> = {
  ready: { cid: /* @__PURE__ */ optional(text) },
  beat: { seq },
  ack: { id: seq },
  resync: { seq, html: string, more: /* @__PURE__ */ optional(yes) },
  push: { name: text, payload: (v) => v !== undefined },
  navigate: { url: path, replace: /* @__PURE__ */ optional(yes) },
  redirect: { url: text },
  progress: { ref: seq, bytes: seq, chunk: /* @__PURE__ */ optional(seq) },
  uploaded: { ref: seq },
  error: { code: text, message: string, id: /* @__PURE__ */ optional(seq), ref: /* @__PURE__ */ optional(seq) },
  gone: { reason: text },
};

function parse<M>(
  frame: string,
  shapes: Record<string, Record<string, Check>>,
  array?: (items: unknown[]) => M | MessageError,
): M | MessageError {
  let message: unknown;
  try {
    message = JSON.parse(frame);
  } catch {
    return new MessageError('malformed', 'not JSON');
  }
  if (Array.isArray(message) && array) return array(message);
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return new MessageError('malformed', 'not a JSON object');
  const fields = message as Record<string, unknown>;
  const type = fields.type;
  if (typeof type !== 'string') return new MessageError('malformed', 'no type');
  // Own properties only, so "toString" or "__proto__" are unknown types, not shapes.
  if (!Object.hasOwn(shapes, type)) return new MessageError('unknown_type', 'unknown type ' + JSON.stringify(type));
  const shape = shapes[type]!;
  for (const field in shape) {
    if (!shape[field]!(fields[field])) return new MessageError('malformed', `${type}: bad ${field}`);
  }
  return message as M;
}

/** Parses and checks a client frame; the updates' own fields are left to the patcher. */
export function parseClientMessage(frame: string): ClientMessage | MessageError {
  return parse(frame, CLIENT);
}

/** Parses and checks a server frame, an `updates` batch down to each update's fields. */
export function parseServerMessage(frame: string): ServerMessage | MessageError {
  return parse(frame, SERVER, updatesMessage);
}

function updatesMessage([first, ...batch]: unknown[]): UpdatesMessage | MessageError {
  const fault = seq(first) ? batchFault(batch) : 'bad seq';
  return fault === null ? { type: 'updates', seq: first as number, batch: batch as CompactBatch } : new MessageError('malformed', 'updates: ' + fault);
}

/** The frame that carries `message`: JSON, an `updates` message in its compact form. */
export function stringifyServerMessage(message: ServerMessage): string {
  return JSON.stringify(message.type === 'updates' ? [message.seq, ...message.batch] : message);
}

/** Whether `url` is a path of the page's own origin: one slash first ("//host" and "/\\host" name other origins). */
export function isSitePath(url: unknown): url is string {
  return typeof url === 'string' && /^\/(?![/\\])/.test(url);
}
