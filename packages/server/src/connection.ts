import { CLOSE, encodeUpdates, MessageError, PROTOCOL_VERSION, ROOT_ID, stringifyServerMessage, type ClientMessage, type CloseCode, type JsonValue, type ErrorMessage, type EventMessage, type GoneReason, type HelloMessage, type NavigateMessage, type ServerMessage, type Update } from '@statetemplate/protocol';
import { SessionError, type Session, type SessionCommand, type SessionErrorCode, type SessionUpdate, type UpdateStream } from '@statetemplate/session';
import type { Connections } from './connections.js';
import type { Link } from './link.js';
import type { ConnectionContext, Settings } from './options.js';
import { pageOrigin } from './origin.js';
import { about } from './report.js';
import { TokenBucket } from './token-bucket.js';
import { Uploads } from './uploads.js';

type Item = SessionUpdate | SessionCommand;

/** The session refusals that end a session for good, as the client hears them. */
const GONE: Partial<Record<SessionErrorCode, GoneReason>> = {
  invalid_token: 'invalid_token',
  session_expired: 'expired',
  session_not_found: 'not_found',
  session_closed: 'closed',
  resync_unavailable: 'reload',
};

/**
 * One peer's live connection, whatever transport carries it: hello first,
 * then events in, updates out. Frames are handled one at a time in arrival
 * order; updates are pulled from the session only while the peer keeps up,
 * so a slow peer's backlog stays in the session's bounded, coalescing stream.
 */
export class Connection {
  #state: 'waiting' | 'live' | 'closed' = 'waiting';
  #session: Session | null = null;
  #stream: UpdateStream<Item> | null = null;
  /** Sequence number of the last update sent. */
  #seq = 0;
  #work: Promise<void> = Promise.resolve();
  /** Acks waiting for the updates before them to be sent. */
  #waiting: { seq: number; resolve: () => void }[] = [];
  #queued = 0;
  readonly #bucket: TokenBucket;
  /** Refused frames (over the rate, malformed) allowed: eventBurst, one more each second; past them the peer is closed. */
  readonly #refusals: TokenBucket;
  readonly #authTimer: NodeJS.Timeout;
  #uploads: Uploads | null = null;
  /** The session id the hello named, for log lines. */
  #sid: string | undefined;

  constructor(
    private readonly link: Link,
    readonly ctx: ConnectionContext,
    private readonly settings: Settings,
    private readonly connections: Connections,
    /** Names this connection to the SSE transport's event POSTs. */
    private readonly cid?: string,
  ) {
    this.#bucket = new TokenBucket(settings.eventsPerSecond, settings.eventBurst);
    this.#refusals = new TokenBucket(1, settings.eventBurst);
    this.#authTimer = setTimeout(() => this.close(CLOSE.AUTH_TIMEOUT, 'no hello in time'), settings.authTimeoutMs);
    connections.add(this);
  }

  /** Takes one frame from the peer: a message, or why it is not one. */
  receive(message: ClientMessage | MessageError): void {
    if (this.#state === 'closed') return;
    // Chunks are paced by the server's acknowledgements, not by the event rate.
    const chunk = !(message instanceof MessageError) && message.type === 'chunk';
    if ((!chunk && !this.#bucket.take()) || this.#queued >= this.settings.eventBurst) {
      const id = message instanceof MessageError || !('id' in message) ? undefined : message.id;
      return this.#refuseFrame(CLOSE.RATE_LIMITED, { type: 'error', code: 'rate_limited', message: 'over the rate limit: event dropped', ...(id !== undefined && { id }) });
    }
    this.#queued++;
    this.#work = this.#work
      .then(() => this.#handle(message))
      .catch((error: unknown) => this.#fail(error))
      .finally(() => {
        this.#queued--;
      });
  }

  /** Whether the peer is authenticated and streaming its session. */
  get live(): boolean {
    return this.#state === 'live';
  }

  /** Bytes waiting to reach the peer. */
  get buffered(): number {
    return this.link.backlog;
  }

  get congested(): boolean {
    return this.link.congested;
  }

  /** Closes the link and lets go of the session. */
  close(code: CloseCode, reason: string): void {
    if (this.#state === 'closed') return;
    this.link.close(code, reason);
    this.closed();
  }

  /** Called every heartbeatMs: drops a peer that missed the previous beat. */
  heartbeat(): void {
    if (!this.link.beat()) {
      this.link.terminate();
      return this.closed();
    }
    if (this.#state === 'live') this.#send({ type: 'beat', seq: this.#seq });
  }

  /** The link is gone, closed by either side: unsubscribes and tells the application. */
  closed(): void {
    if (this.#state === 'closed') return;
    const session = this.#state === 'live' ? this.#session : null;
    this.#state = 'closed';
    this.connections.delete(this);
    for (const waiting of this.#waiting.splice(0)) waiting.resolve();
    clearTimeout(this.#authTimer);
    this.#uploads?.closed();
    void this.#stream?.return();
    if (session === null) return;
    this.settings.logger?.debug?.({ ...about(this.ctx), sessionId: session.id }, 'statetemplate: connection closed');
    void this.#hook(() => this.settings.onDisconnect?.(session, this.ctx));
  }

  /** Answers a refused frame, or closes a peer that keeps sending them: a flood gets a bounded number of answers. */
  #refuseFrame(code: CloseCode, error: ErrorMessage): void {
    if (!this.#refusals.take()) {
      this.settings.logger?.warn({ ...about(this.ctx), sessionId: this.#sid, code: error.code }, 'statetemplate: connection closed: too many refused frames');
      return this.close(code, 'too many refused frames');
    }
    this.#send(error);
  }

  async #handle(message: ClientMessage | MessageError): Promise<void> {
    if (this.#state === 'closed') return;
    if (message instanceof MessageError) {
      if (this.#state === 'waiting') return this.close(CLOSE.MALFORMED_FRAME, message.message);
      return this.#refuseFrame(CLOSE.MALFORMED_FRAME, { type: 'error', code: message.code, message: message.message });
    }
    if ((message.type === 'hello') !== (this.#state === 'waiting')) {
      return this.close(CLOSE.PROTOCOL_VIOLATION, `unexpected ${message.type}`);
    }
    if (message.type === 'hello') await this.#authenticate(message);
    else if (message.type === 'upload') this.#uploads!.start(message);
    else if (message.type === 'chunk') this.#uploads!.chunk(message);
    else if (message.type === 'cancel') this.#uploads!.cancel(message.ref);
    else await this.#event(message);
  }

  async #authenticate({ sid, token, last, v = 1 }: HelloMessage): Promise<void> {
    // Any text a peer sent: a real id is 22 characters, a log line need not carry 64 KiB.
    this.#sid = sid.length <= 64 ? sid : `${sid.slice(0, 64)}…`;
    // An older client cannot apply what this server sends: told so, it stops, and its page reloads.
    if (v < PROTOCOL_VERSION) {
      this.#send({ type: 'gone', reason: 'outdated' });
      return this.close(CLOSE.PROTOCOL_VIOLATION, 'outdated client');
    }
    const { stateTemplate, clientOf } = this.settings;
    let session: Session;
    let stream: UpdateStream<Item>;
    try {
      session = await stateTemplate.getSession(sid, token, { client: clientOf?.(this.ctx.request) });
      stream = session.updates({ since: last, commands: true });
    } catch (error) {
      return this.#refuse(error);
    }
    if (this.#state === 'closed') {
      void stream.return();
      return;
    }
    clearTimeout(this.#authTimer);
    this.#state = 'live';
    // A page asking for the whole page (-1) must get it, even a session's first page at 0.
    this.#seq = Math.min(0, last);
    this.#session = session;
    this.#stream = stream;
    const { uploads, onUpload } = this.settings;
    const report = (error: unknown) => this.settings.onError(error, this.ctx);
    this.#uploads = new Uploads(uploads, (file) => onUpload?.(session, file, this.ctx), (message) => this.#send(message), report, this.settings.maxMessageBytes);
    this.#send(this.cid === undefined ? { type: 'ready' } : { type: 'ready', cid: this.cid });
    this.settings.logger?.debug?.({ ...about(this.ctx), sessionId: sid }, 'statetemplate: connection live');
    void this.#pump(stream);
    await this.#hook(() => this.settings.onConnect?.(session, this.ctx));
  }

  /** Runs the application's handler of an event or a navigation, then acknowledges it. */
  async #event(message: EventMessage | NavigateMessage): Promise<void> {
    const { id } = message;
    try {
      if (message.type === 'event') await this.#dispatch(message.name, message.payload ?? null);
      else await this.#navigate(message.url);
    } catch (error) {
      this.settings.onError(error, this.ctx);
      const what = message.type === 'event' ? `event ${JSON.stringify(message.name)}` : `navigation to ${message.url}`;
      return this.#send({ type: 'error', code: 'event_failed', message: `the handler of ${what} failed`, ...(id !== undefined && { id }) });
    }
    if (id === undefined) return;
    // After the updates of the handler's renders (through this handle, or seen by the stream): the page
    // shows their result when its loading state ends.
    await this.#sent(Math.max(this.#session!.seq, this.#stream!.seq));
    this.#send({ type: 'ack', id });
  }

  /** To the event's own handler, else to onEvent. Own properties only: a page must not reach `constructor` or `__proto__`. */
  async #dispatch(name: string, payload: JsonValue): Promise<void> {
    const { events, onEvent } = this.settings;
    const handler = events !== undefined && Object.hasOwn(events, name) ? events[name] : undefined;
    if (handler !== undefined) await handler(this.#session!, payload, this.ctx);
    else await onEvent?.(this.#session!, name, payload, this.ctx);
  }

  /** Without onNavigate the server cannot render the new URL live: the page loads it. */
  async #navigate(url: string): Promise<void> {
    const { onNavigate } = this.settings;
    if (onNavigate === undefined) return this.#send({ type: 'redirect', url });
    await onNavigate(this.#session!, new URL(url, pageOrigin(this.ctx.request)), this.ctx);
  }

  /** Resolves once this connection has sent up to `seq` (or closed). */
  #sent(seq: number): Promise<void> {
    if (this.#seq >= seq || this.#state === 'closed') return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push({ seq, resolve }));
  }

  /**
   * Sends the stream's updates, batching what is ready, and stops pulling
   * while the peer is congested: what is past about a frame's worth stays in
   * the session's bounded, coalescing stream.
   */
  async #pump(stream: UpdateStream<Item>): Promise<void> {
    try {
      for (;;) {
        const result = await stream.next();
        if (this.#state === 'closed') return;
        if (result.done) return await this.#ended();
        const batch: Item[] = [result.value];
        let size = sizeOf(result.value);
        for (let item; size < this.settings.maxFrameBytes && (item = stream.take()) !== undefined; size += sizeOf(item)) batch.push(item);
        if (!this.#sendUpdates(batch)) await this.#resync();
        if (this.link.congested) await this.link.drained();
      }
    } catch (error) {
      // A page whose whole page cannot be rebuilt is told to reload.
      this.#refuse(error);
    }
  }

  /**
   * Sends a batch in frames of at most maxFrameBytes; false when an update
   * alone is too big for one (the page then resyncs, and the updates after it
   * wait for that). A root replace goes as `resync` and makes the updates
   * before it pointless; updates a resync already covers are skipped.
   * Commands go between the updates they came between.
   */
  #sendUpdates(batch: Item[]): boolean {
    let run: SessionUpdate[] = [];
    let fits = true;
    for (const item of batch) {
      if ('command' in item) {
        fits &&= this.#sendRun(run);
        run = [];
        this.#sendCommand(item);
      } else if (!fits || item.seq <= this.#seq) continue;
      else if (item.fragment_id === ROOT_ID && item.action === 'replace') {
        run = [];
        this.#sendResync(item.seq, item.html);
      } else run.push(item);
    }
    return fits && this.#sendRun(run);
  }

  /** A command as its message; one too big for a frame is reported and left out. */
  #sendCommand(command: SessionCommand): void {
    const frame = stringifyServerMessage(commandMessage(command));
    if (Buffer.byteLength(frame) > this.settings.maxFrameBytes) {
      return this.settings.onError(new RangeError(`a ${command.command} command of ${frame.length} characters does not fit in maxFrameBytes`), this.ctx);
    }
    if (this.#state !== 'closed') this.#write(frame);
  }

  /** One frame for the run, or halves of it while it is too big. */
  #sendRun(run: SessionUpdate[]): boolean {
    if (run.length === 0) return true;
    const { frame, seq } = frameOf(run);
    if (frame.length <= this.settings.maxFrameBytes) {
      this.#sendFrame(frame, seq);
      return true;
    }
    if (run.length === 1) return false;
    const half = run.length >> 1;
    return this.#sendRun(run.slice(0, half)) && this.#sendRun(run.slice(half));
  }

  /** The whole page, in parts when one frame cannot hold it: at most 6 bytes per UTF-16 unit once JSON-escaped. */
  #sendResync(seq: number, html: string): void {
    this.connections.resynced();
    const whole = stringifyServerMessage({ type: 'resync', seq, html });
    if (Buffer.byteLength(whole) <= this.settings.maxFrameBytes) return this.#sendFrame(whole, seq);
    const part = Math.floor((this.settings.maxFrameBytes - 64) / 6);
    for (let at = 0; at < html.length; ) {
      let end = Math.min(html.length, at + part);
      // Never between the halves of a surrogate pair.
      if (end < html.length && /[\uD800-\uDBFF]/.test(html[end - 1]!)) end--;
      const more = end < html.length;
      this.#sendFrame(stringifyServerMessage({ type: 'resync', seq, html: html.slice(at, end), ...(more && { more: true as const }) }), seq);
      at = end;
    }
  }

  /** A resync of the page as it is now, for a backlog holding an update too big for a frame. */
  async #resync(): Promise<void> {
    this.settings.logger?.info({ ...about(this.ctx), sessionId: this.#sid, reason: 'frame_too_big' }, 'statetemplate: page resynced');
    const now = await this.#session!.updatesSince(-1);
    if (!Array.isArray(now)) this.#sendResync(now.seq, now.resync);
  }

  #sendFrame(frame: string | Buffer, seq: number): void {
    if (this.#state === 'closed') return;
    this.#write(frame);
    this.#seq = seq;
    if (this.#waiting.length > 0) this.#waiting = this.#waiting.filter((w) => w.seq > seq || void w.resolve());
  }

  /** The stream ends when the session is gone; asking for it tells why. */
  async #ended(): Promise<void> {
    try {
      await this.#session!.updatesSince(this.#seq);
      this.close(CLOSE.GOING_AWAY, 'update stream ended');
    } catch (error) {
      this.#refuse(error);
    }
  }

  #refuse(error: unknown): void {
    const reason = error instanceof SessionError ? GONE[error.code] : undefined;
    if (reason === undefined) return this.#fail(error);
    const fields = { ...about(this.ctx), sessionId: this.#sid, reason };
    // A token that does not open its session is worth a look (forged, from another key or client); the rest is a session's end.
    if (reason === 'invalid_token') this.settings.logger?.warn({ ...fields, err: error }, 'statetemplate: token refused');
    else this.settings.logger?.info(fields, 'statetemplate: session gone');
    this.#send({ type: 'gone', reason });
    this.close(reason === 'invalid_token' ? CLOSE.INVALID_TOKEN : CLOSE.SESSION_GONE, reason);
  }

  #fail(error: unknown): void {
    if (this.#state === 'closed') return;
    this.settings.onError(error, this.ctx);
    this.close(CLOSE.INTERNAL_ERROR, 'server error');
  }

  async #hook(run: () => unknown): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.settings.onError(error, this.ctx);
    }
  }

  #send(message: ServerMessage): void {
    if (this.#state !== 'closed') this.#write(stringifyServerMessage(message));
  }

  #write(frame: string | Buffer): void {
    if (this.link.send(frame)) this.connections.sent(typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length);
  }
}

/** About the bytes an item adds to a frame. */
function sizeOf(item: Item): number {
  return 'command' in item ? 0 : item.html.length;
}

function unnumbered({ seq: _, at: __, ...update }: SessionUpdate): Update {
  return update;
}

interface Frame {
  first: SessionUpdate;
  length: number;
  /** The frame's UTF-8 bytes, encoded once for every connection it goes to. */
  frame: Buffer;
  seq: number;
}

/** Frames by the last update of their run: a topic's sessions at one position share update objects, and so one frame. */
const frames = new WeakMap<SessionUpdate, Frame>();

function frameOf(run: SessionUpdate[]): Frame {
  const last = run[run.length - 1]!;
  const known = frames.get(last);
  if (known !== undefined && known.first === run[0] && known.length === run.length) return known;
  const frame = stringifyServerMessage({ type: 'updates', seq: last.seq, batch: encodeUpdates(run.map(unnumbered)) });
  const built = { first: run[0]!, length: run.length, frame: Buffer.from(frame), seq: last.seq };
  frames.set(last, built);
  return built;
}

function commandMessage(command: SessionCommand): ServerMessage {
  if (command.command === 'event') return { type: 'push', name: command.name, payload: command.payload };
  if (command.command === 'redirect') return { type: 'redirect', url: command.url };
  return { type: 'navigate', url: command.url, ...(command.replace && { replace: true as const }) };
}
