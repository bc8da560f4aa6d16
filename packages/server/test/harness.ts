import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseServerMessage, type ServerMessage, PROTOCOL_VERSION } from '@statetemplate/protocol';
import { StateTemplate, type StateTemplateOptions, type TemplateSource } from '@statetemplate/session';
import { HANG_GUARD_MS } from '@statetemplate/test-utils';
import { onTestFinished, vi } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { attach, type AttachOptions, type Attached } from '../src/index.js';

export const TEMPLATE = '<p>{{title}}</p><ul>{{#items}}<li>{{text}}</li>{{/items}}</ul>';
export const SIGNING_KEY = 'server test signing key, at least 32 bytes long';

export interface Page {
  title: string;
  items: { id: number; text: string }[];
}

export function page(title: string, count = 3): Page {
  return { title, items: Array.from({ length: count }, (_, id) => ({ id, text: `${title} item ${id}` })) };
}

/** Ten minutes, longer than any test may run: no heartbeat fires unless a test fires it with fake timers (see heartbeat.test.ts). */
export const HEARTBEAT_MS = 600_000;
/**
 * An auth timeout for a peer that never finishes its hello: nothing before
 * the timeout waits on it, so it can be short without racing the test.
 */
export const NO_HELLO_AUTH_MS = 50;

/** Fails with `what` instead of hanging when `promise` takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, what: string, ms = HANG_GUARD_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Harness {
  st: StateTemplate;
  server: Server;
  attached: Attached;
  /** ws://127.0.0.1:PORT + the WebSocket path. */
  wsUrl: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** Runs `closer` first when the harness closes (a page's connection, say). */
  track(closer: () => void): void;
  close(): Promise<void>;
}

/**
 * A real http.Server on 127.0.0.1 with a StateTemplate attached; its own
 * request handler answers 404. Unless `options` say otherwise, heartbeats
 * never fire by themselves and the auth timeout is as generous as a hang
 * guard, so a busy machine cannot trip either.
 */
export async function start(
  options: Partial<AttachOptions> = {},
  stOptions: StateTemplateOptions = {},
  template: string | TemplateSource = TEMPLATE,
): Promise<Harness> {
  const st = new StateTemplate(template, { signingKey: SIGNING_KEY, ...stOptions });
  const server = createServer((_, response) => response.writeHead(404).end('app'));
  const attached = attach(server, { stateTemplate: st, heartbeatMs: HEARTBEAT_MS, authTimeoutMs: HANG_GUARD_MS, ...options });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const closers: (() => void)[] = [];
  return {
    st,
    server,
    attached,
    origin,
    wsUrl: `ws://127.0.0.1:${port}${options.path ?? '/statetemplate/ws'}`,
    track: (closer) => void closers.push(closer),
    async close() {
      for (const closer of closers.splice(0)) closer();
      attached.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await st.close();
    },
  };
}

/**
 * Takes over the clock the rate limits refill by (TokenBucket reads
 * performance.now) until the test ends: it stands still unless the test
 * moves it, so what a limit refuses depends on counts, never on speed.
 * Call before the connections are made.
 */
export function rateClock(): { advance(ms: number): void } {
  // Whole milliseconds, so a refill computed from the difference of two readings is exact.
  let now = Math.round(performance.now());
  const spy = vi.spyOn(performance, 'now').mockImplementation(() => now);
  onTestFinished(() => spy.mockRestore());
  return {
    advance(ms) {
      now += ms;
    },
  };
}

/** A real `ws` client that queues what it receives so tests can await each message in order. */
export class Peer {
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Every frame received, as sent. */
  readonly frames: string[] = [];
  #messages: ServerMessage[] = [];
  #wake: (() => void) | null = null;

  constructor(url: string, options: ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
    this.ws.on('error', () => undefined);
    this.opened = once(this.ws, 'open').then(() => undefined);
    this.closed = once(this.ws, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
    this.ws.on('message', (data) => {
      this.frames.push(String(data));
      const message = parseServerMessage(String(data));
      if (message instanceof Error) throw message;
      this.#messages.push(message);
      this.#wake?.();
    });
  }

  /** Connects and says hello. */
  static async hello(url: string, sid: string, token: string, last = 0, options?: ClientOptions): Promise<Peer> {
    const peer = new Peer(url, options);
    await within(peer.opened, 'the socket to open');
    peer.send({ type: 'hello', v: PROTOCOL_VERSION, sid, token, last });
    return peer;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message received, in order. */
  async next(what = 'a message'): Promise<ServerMessage> {
    while (this.#messages.length === 0) {
      await within(new Promise<void>((resolve) => (this.#wake = resolve)), what);
    }
    return this.#messages.shift()!;
  }

  /** The next message, which must be of `type`. */
  async expect<T extends ServerMessage['type']>(type: T): Promise<Extract<ServerMessage, { type: T }>> {
    const message = await this.next(`a ${type} message`);
    if (message.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(message)}`);
    return message as Extract<ServerMessage, { type: T }>;
  }

  async closeCode(): Promise<number> {
    return (await within(this.closed, 'the socket to close')).code;
  }
}

/** A session and a peer that is past its hello. */
export async function livePeer(h: Harness, data: Page = page('a')) {
  const created = await h.st.newSession(data);
  const peer = await Peer.hello(h.wsUrl, created.sessionId, created.token);
  await peer.expect('ready');
  const session = await h.st.getSession(created.sessionId, created.token);
  return { ...created, peer, session };
}

/** An SSE stream opened with a POSTed hello, read message by message. */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #text = '';
  #blocks: string[] = [];

  constructor(readonly response: Response) {
    this.#reader = response.body!.getReader();
  }

  static async open(url: string, body: unknown, origin?: string): Promise<SseReader> {
    return new SseReader(await post(url, body, origin));
  }

  /** The next block as sent, without its blank line: `data: …` for a message, `:` for a heartbeat comment. */
  async block(what = 'an SSE block'): Promise<string> {
    for (;;) {
      const block = this.#blocks.shift();
      if (block !== undefined) return block;
      const chunk = await within(this.#reader.read(), what);
      if (chunk.done) throw new Error(`the stream ended while waiting for ${what}`);
      this.#text += this.#decoder.decode(chunk.value, { stream: true });
      const blocks = this.#text.split('\n\n');
      this.#text = blocks.pop()!;
      this.#blocks.push(...blocks);
    }
  }

  /** The next `data:` message; heartbeat comments are skipped. */
  async next(what = 'an SSE message'): Promise<ServerMessage> {
    for (;;) {
      const block = await this.block(what);
      if (!block.startsWith('data: ')) continue;
      const message = parseServerMessage(block.slice(6));
      if (message instanceof Error) throw message;
      return message;
    }
  }

  async expect<T extends ServerMessage['type']>(type: T): Promise<Extract<ServerMessage, { type: T }>> {
    const message = await this.next(`a ${type} message`);
    if (message.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(message)}`);
    return message as Extract<ServerMessage, { type: T }>;
  }

  /** Resolves once the server ended the stream. */
  async ended(): Promise<void> {
    for (;;) if ((await within(this.#reader.read(), 'the stream to end')).done) return;
  }

  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

/** POSTs `body` (JSON unless a string) with an optional Origin header. */
export function post(url: string, body: unknown, origin?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin === undefined ? {} : { origin }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
