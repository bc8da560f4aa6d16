import type { IncomingMessage, Server as HttpServerBase } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { JsonValue } from '@statetemplate/protocol';
import type { Logger, Session, StateTemplate } from '@statetemplate/session';
import { checkLogger } from '@statetemplate/store';
import { errorReporter } from './report.js';
import type { IncomingFile, UploadLimits } from './uploads.js';

/** What attach() serves on: Node's http or https server (Express and Fastify run on these). */
export type HttpServer = HttpServerBase | HttpsServer;

/** Who is on the other end of a live connection, for the application's hooks. */
export interface ConnectionContext {
  /** Unique per connection of this process (a reconnect is a new connection). */
  readonly id: string;
  readonly transport: 'websocket' | 'sse';
  /** The upgrade request (WebSocket) or the request that opened the event stream (SSE). */
  readonly request: IncomingMessage;
}

/** The events a page sends, by name, with the payload each carries (what its `data-st-*` bindings or `pushEvent` send). */
export type EventMap = Record<string, JsonValue>;

/**
 * One handler per event name. The names are checked at run time (an event
 * without a handler here goes to `onEvent`); the payload types are the
 * application's word for what its page sends: a client can send anything,
 * so check what a handler trusts.
 */
export type EventHandlers<View = unknown, Events extends EventMap = EventMap> = {
  readonly [Name in keyof Events & string]?: (session: Session<View>, payload: Events[Name], ctx: ConnectionContext) => void | Promise<void>;
};

/**
 * `View`: the data the sessions render (see StateTemplate<View>); it types
 * the session the hooks get. `Events`: the page's events and their payloads,
 * which type the `events` handlers.
 */
export interface AttachOptions<View = unknown, Events extends EventMap = EventMap> {
  /** Serves the sessions this StateTemplate holds. */
  stateTemplate: StateTemplate<View>;
  /** WebSocket endpoint; default '/statetemplate/ws'. Upgrades for other paths are left to other listeners. */
  path?: string;
  /** Server-Sent Events endpoint (POST only); default '/statetemplate/sse'; false turns the fallback off. */
  ssePath?: string | false;
  /** Where the browser client's bundle is served (GET); default '/statetemplate/client.js'; false leaves it to the application. */
  scriptPath?: string | false;
  /**
   * Whether attach answers the SSE and script paths itself, in front of the
   * server's request listeners (default). A framework adapter passes false
   * and routes those requests to `Attached.handle`, so the framework's hooks
   * and middleware apply to them.
   */
  intercept?: boolean;
  /**
   * Origins (`scheme://host[:port]`) allowed to connect. Default: only the
   * server's own origin: the connection's scheme, the Host header's host and
   * port, and a loopback name on a loopback address (DNS rebinding). A
   * request without an Origin header (not a browser) is allowed.
   */
  allowedOrigins?: readonly string[];
  /** Largest client message in bytes; default 64 KiB. Bigger frames close the socket with 1009. */
  maxMessageBytes?: number;
  /** Sustained events per second per connection; default 20. */
  eventsPerSecond?: number;
  /** Events a connection may send at once before the rate applies; default 2 × eventsPerSecond. */
  eventBurst?: number;
  /** Milliseconds between heartbeats; a peer that missed the previous one is dropped. Default 30 s. */
  heartbeatMs?: number;
  /** Milliseconds a new connection has to say hello, and a new socket to complete its first request's headers; default 10 s. */
  authTimeoutMs?: number;
  /** Bytes waiting to be sent to one peer past which updates are held (and coalesced by the session); default 256 KiB. */
  highWaterBytes?: number;
  /**
   * Largest frame sent, in bytes (at least 1 KiB); default 256 KiB. More
   * updates go in more frames; an update too big for one makes the page
   * resync, and a page too big for one goes in parts.
   */
  maxFrameBytes?: number;
  /**
   * WebSocket permessage-deflate, negotiated with browsers that offer it
   * (all do). By default frames under `threshold` bytes (most updates) go as
   * they are and bigger ones (resyncs, bursts) are compressed each on its
   * own; `contextTakeover: true` keeps the zlib state between frames instead,
   * so repeated markup compresses well, but then every frame is compressed
   * (ws ignores the threshold), which costs CPU and latency per update. A
   * connection keeps about 2^(windowBits+2) + 2^(memLevel+9) bytes of zlib
   * state once it compressed a frame, plus 2^windowBits to inflate: 24 KiB
   * with the defaults `{ threshold: 256, windowBits: 11, memLevel: 5 }`.
   * false turns it off.
   */
  compression?: false | CompressionOptions;
  /** The token binding of a request (see StateTemplate's NewSessionOptions.client), e.g. a hash of its user agent. */
  clientOf?: (request: IncomingMessage) => string | undefined;
  /**
   * Handlers of user events by name, e.g. `{ add(session, { text }) {…} }`.
   * Events of one connection run one at a time, in order, whichever hook
   * takes them. A throw is reported as `event_failed`.
   */
  events?: EventHandlers<View, Events>;
  /** A user event that `events` has no handler for (any name a page sends). A throw is reported as `event_failed`. */
  onEvent?: (session: Session<View>, name: string, payload: JsonValue, ctx: ConnectionContext) => void | Promise<void>;
  /**
   * The page's URL changed without a reload (a `data-st-patch` link, back or
   * forward): render the state for `url`, of the page's origin. Runs in
   * order with the connection's events; a throw is reported as
   * `event_failed`. Without it, the page loads the URL instead.
   */
  onNavigate?: (session: Session<View>, url: URL, ctx: ConnectionContext) => void | Promise<void>;
  /** The uploads pages may send, by their `data-st-upload` name, with their limits; others are refused (`upload_unknown`). */
  uploads?: Readonly<Record<string, UploadLimits>>;
  /**
   * A file of an accepted upload, as it arrives: write `file.stream` where it
   * belongs. The page hears `uploaded` once every byte came and the returned
   * promise resolved; a throw is `upload_failed`. Required with `uploads`.
   */
  onUpload?: (session: Session<View>, file: IncomingFile, ctx: ConnectionContext) => void | Promise<void>;
  /** A connection authenticated (its update stream is already subscribed). */
  onConnect?: (session: Session<View>, ctx: ConnectionContext) => void | Promise<void>;
  /** An authenticated connection ended, for whatever reason. */
  onDisconnect?: (session: Session<View>, ctx: ConnectionContext) => void;
  /**
   * An application hook or the session store failed, or a page's Origin was
   * refused (OriginRefusedError). Called after the logger logged it; default:
   * nothing more, or a process warning when there is no logger.
   */
  onError?: (error: unknown, ctx: ConnectionContext) => void;
  /**
   * Where the transport says what happened (pino's shape: a pino logger is
   * one): refused origins (warn), refused tokens (warn) and sessions gone
   * (info), hook and store failures (error), pages resynced for an update
   * too big for a frame (info), connections closed for refused frames
   * (warn), and with `debug`, connections opening and closing. Default: the
   * StateTemplate's logger; with neither, nothing is logged.
   */
  logger?: Logger;
}

/** AttachOptions with every default filled in and checked. */
export interface CompressionOptions {
  /** Smallest frame compressed, in bytes; default 256. */
  threshold?: number;
  /** zlib window, 9 to 15; default 11 (a 2 KiB window). */
  windowBits?: number;
  /** zlib memory level, 1 to 9; default 5. */
  memLevel?: number;
  /** Keep the compression state between frames (and compress every frame); default false. */
  contextTakeover?: boolean;
}

type Hooks = 'allowedOrigins' | 'clientOf' | 'events' | 'onEvent' | 'onNavigate' | 'onUpload' | 'onConnect' | 'onDisconnect' | 'logger';
export type Settings = Required<Omit<AttachOptions, Hooks | 'uploads' | 'compression'>> &
  Pick<AttachOptions, Hooks> & { uploads: Readonly<Record<string, Required<UploadLimits>>>; compression: false | Required<CompressionOptions> };

/** Throws RangeError for a number that is not a whole number > 0, TypeError for a path that is not absolute or a logger that is not one. */
export function settings(options: AttachOptions): Settings {
  const eventsPerSecond = positive('eventsPerSecond', options.eventsPerSecond ?? 20);
  const given = options.logger ?? options.stateTemplate.logger;
  const logger = given === undefined ? undefined : checkLogger(given);
  return {
    ...options,
    path: absolute('path', options.path ?? '/statetemplate/ws'),
    ssePath: options.ssePath === false ? false : absolute('ssePath', options.ssePath ?? '/statetemplate/sse'),
    scriptPath: options.scriptPath === false ? false : absolute('scriptPath', options.scriptPath ?? '/statetemplate/client.js'),
    intercept: options.intercept !== false,
    maxMessageBytes: positive('maxMessageBytes', options.maxMessageBytes ?? 64 * 1024),
    eventsPerSecond,
    eventBurst: positive('eventBurst', options.eventBurst ?? 2 * eventsPerSecond),
    heartbeatMs: positive('heartbeatMs', options.heartbeatMs ?? 30_000),
    authTimeoutMs: positive('authTimeoutMs', options.authTimeoutMs ?? 10_000),
    highWaterBytes: positive('highWaterBytes', options.highWaterBytes ?? 256 * 1024),
    maxFrameBytes: atLeast('maxFrameBytes', options.maxFrameBytes ?? 256 * 1024, 1024),
    uploads: uploadLimits(options),
    compression: compression(options.compression ?? {}),
    logger,
    onError: errorReporter(options.onError, logger),
  };
}

function compression(options: false | CompressionOptions): false | Required<CompressionOptions> {
  if (options === false) return false;
  const { threshold = 256, windowBits = 11, memLevel = 5, contextTakeover = false } = options;
  return {
    contextTakeover: contextTakeover === true,
    threshold: atLeast('compression.threshold', threshold, 0),
    windowBits: within('compression.windowBits', windowBits, 9, 15),
    memLevel: within('compression.memLevel', memLevel, 1, 9),
  };
}

function within(name: string, value: number, min: number, max: number): number {
  if (atLeast(name, value, min) > max) throw new RangeError(`${name} must be a whole number from ${min} to ${max}`);
  return value;
}

function uploadLimits({ uploads = {}, onUpload }: AttachOptions): Record<string, Required<UploadLimits>> {
  const names = Object.keys(uploads);
  if (names.length > 0 && onUpload === undefined) throw new TypeError('uploads need an onUpload to receive their files');
  return Object.fromEntries(
    names.map((name) => {
      const { maxFileBytes = 8 * 1024 * 1024, maxFiles = 1, accept = [] } = uploads[name]!;
      if (!Array.isArray(accept) || !accept.every((entry) => typeof entry === 'string')) throw new TypeError(`uploads.${name}.accept must list strings`);
      return [name, { maxFileBytes: atLeast(`uploads.${name}.maxFileBytes`, maxFileBytes, 0), maxFiles: positive(`uploads.${name}.maxFiles`, maxFiles), accept }];
    }),
  );
}

function positive(name: string, value: number): number {
  return atLeast(name, value, 1);
}

function atLeast(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be a whole number >= ${min}`);
  return value;
}

function absolute(name: string, path: string): string {
  if (!path.startsWith('/')) throw new TypeError(`${name} must start with "/"`);
  return path;
}
