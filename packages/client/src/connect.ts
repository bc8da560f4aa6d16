import { decodeUpdates, PROTOCOL_VERSION, ROOT_ID, type ClientMessage, type GoneReason, type JsonValue, type ServerMessage } from '@statetemplate/protocol';
import { backoff } from './backoff.js';
import { bind, payloadOf } from './bindings.js';
import { liveHooks, type Hook } from './hooks.js';
import { liveNavigation } from './navigation.js';
import { changed } from './typed.js';
import { liveUploads } from './uploads.js';
import { LOST, pendingEvents, showEventError, type EventError } from './pending-events.js';
import { applyUpdate, applyUpdates } from './patch.js';
import { websocket, type WebSocketClass } from './socket.js';
import { sse } from './sse.js';
import type { Transport, TransportEvents } from './transport.js';

export interface ConnectOptions {
  /** The server's WebSocket endpoint (`wss://host/statetemplate/ws`), or its SSE endpoint with `transport: 'sse'`. */
  url: string;
  sessionId: string;
  token: string;
  /** The element holding the server's render; updates apply under it. */
  root: Element;
  /** Sequence number the root's html is at; default 0, the html `newSession` returned. */
  seq?: number;
  /**
   * Default 'websocket', falling back to SSE by itself when `sseUrl` is
   * given; 'sse' for SSE only (at `sseUrl`, else `url`).
   */
  transport?: 'websocket' | 'sse';
  /** The server's SSE endpoint (`https://host/statetemplate/sse`): after three WebSocket attempts in a row that failed to open or were cut before a heartbeat, the client goes on over SSE. */
  sseUrl?: string;
  /** Default: the root's window's. */
  WebSocket?: WebSocketClass;
  /** Default: the root's window's. */
  fetch?: typeof fetch;
  /** Listen for the `data-st-*` events (click, submit, change, input, …) under root; default true. `data-st-patch` links work either way. */
  bindings?: boolean;
  /** Callbacks for elements with `data-st-hook="Name"`, by name: `{ Chart: { mounted() { … } } }`. */
  hooks?: Record<string, Hook>;
  /** First reconnect delay in ms, doubled per failed attempt (with jitter); default 500. */
  minDelay?: number;
  /** Longest reconnect delay in ms; default 30000. */
  maxDelay?: number;
  /** The session is gone for good (expired, closed, bad token): reload the page for a new one. */
  onGone?: (reason: GoneReason) => void;
  /**
   * An event that was not handled: refused (`rate_limited`), failed in the
   * server's handler (`event_failed`), or lost with the connection
   * (`disconnected`). Default: the element gets the `st-error` class and the
   * console says why.
   */
  onEventError?: (error: EventError, element: Element | undefined) => void;
  /** An `error` message from the server, an update the page refused (ApplyError) or a bad frame. After `origin_refused` (the page's origin is not allowed) the client stops. */
  onError?: (error: { code: string; message: string }) => void;
  /** True once the server accepted the hello, false when the connection drops. */
  onStatus?: (online: boolean) => void;
  /** Every server message, after it was applied, with its size in characters. */
  onMessage?: (message: ServerMessage, size: number) => void;
}

export interface LiveConnection {
  /** Sends a user event; held while offline and sent once connected again. */
  send(name: string, payload?: JsonValue): void;
  /** Disconnects for good and removes the bindings. */
  close(): void;
  /** Sequence number of the last update applied (-1 while a resync is awaited). */
  readonly seq: number;
  /** What carries the connection now. */
  readonly transport: 'websocket' | 'sse';
}

/**
 * Keeps `root` live: connects, authenticates with a hello (never in the URL),
 * applies updates in order, and reconnects by itself with backoff, reporting
 * the last sequence number applied so the server replays what was missed or
 * resyncs. A refused update or an unreadable frame makes it reconnect asking for the whole page.
 */
export function connect(options: ConnectOptions): LiveConnection {
  const { root, url, sessionId: sid, token, onGone, onError, onStatus, onMessage } = options;
  const win = root.ownerDocument.defaultView!;
  const { sseUrl } = options;
  const overSse = () => sse(sseUrl ?? url, options.fetch ?? win.fetch.bind(win));
  let carrier: 'websocket' | 'sse' = options.transport === 'sse' ? 'sse' : 'websocket';
  let open = carrier === 'sse' ? overSse() : websocket(url, options.WebSocket ?? win.WebSocket);
  /** WebSocket attempts in a row that failed to open or were cut before a heartbeat came. */
  let failures = 0;
  const held: ClientMessage[] = [];
  const onEventError = options.onEventError ?? showEventError;
  const pending = pendingEvents(onEventError);
  let last = options.seq ?? 0;
  let attempt = 0;
  /** The parts of a resync sent in parts, until its last. */
  let parts = '';
  let ready = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let transport: Transport;

  const start = () => {
    ready = false;
    parts = '';
    transport = open({ type: 'hello', sid, token, last, v: PROTOCOL_VERSION }, events);
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    unbind();
    navigation.stop();
    uploads.stop();
    transport.close();
  };
  const restart = (error: { code: string; message: string }) => {
    last = -1;
    onError?.(error);
    transport.close();
    start();
  };
  const send = (message: ClientMessage) => {
    if (!ready) return void held.push(message);
    transport.send(message);
    if ('id' in message && message.id !== undefined) pending.sent(message.id);
  };
  /** An event with an id: the server acknowledges it once handled, and its element shows it is working until then. */
  const sendEvent = (name: string, payload: JsonValue | undefined, element?: Element) =>
    send({ type: 'event', name, payload, id: pending.add(name, element) });
  const navigation = liveNavigation(root, (url, link) => send({ type: 'navigate', url, id: pending.add('navigate', link) }));
  const hooks = liveHooks(root, options.hooks ?? {}, (name, payload) => sendEvent(name, payload));
  const uploads = liveUploads(root, send, onEventError);
  /** Whether a connection was ready before: the next ready is a reconnect. */
  let connected = false;
  /** Nothing but a resync's parts came since a reconnect's ready: a resync now is that reconnect's, already recovered. */
  let justReady = false;
  /**
   * After a reconnect or a resync the server's state may not hold what the
   * user typed: each form with a field the user changed sends its
   * `data-st-recover` event, by default its `data-st-submit` one, with its fields.
   */
  const recover = () => {
    for (const form of root.querySelectorAll('form')) {
      const name = form.getAttribute('data-st-recover') ?? form.getAttribute('data-st-submit');
      if (name && [...form.elements].some(changed)) sendEvent(name, payloadOf(form, 'submit'), form);
    }
  };

  const events: TransportEvents = {
    message(message, size) {
      // A frame we cannot read may have carried updates: ask for the whole page.
      if (message instanceof Error) return restart(message);
      try {
        if (message.type !== 'ready' && message.type !== 'resync') justReady = false;
        if (message.type === 'ready') {
          ready = true;
          attempt = 0;
          held.splice(0).forEach(send);
          if (connected) {
            hooks.all('reconnected');
            recover();
          }
          justReady = connected;
          connected = true;
          onStatus?.(true);
        } else if (message.type === 'updates') {
          if (message.seq <= last) return;
          hooks.around(() => applyUpdates(root, decodeUpdates(message.batch)));
          last = message.seq;
        } else if (message.type === 'beat') {
          failures = 0;
          // The connection sent up to beat.seq: a page behind it lost something on the way.
          if (message.seq > last && parts === '') return restart({ code: 'behind', message: `the page is at ${last}, the server at ${message.seq}` });
        } else if (message.type === 'resync') {
          parts += message.html;
          if (message.more) return;
          hooks.around(() => applyUpdate(root, { fragment_id: ROOT_ID, action: 'replace', html: parts, timestamp: 0 }));
          parts = '';
          last = message.seq;
          if (!justReady) recover();
          justReady = false;
        } else if (message.type === 'push') {
          hooks.dispatch(message.name, message.payload);
          win.dispatchEvent(new win.CustomEvent('st:' + message.name, { detail: message.payload }));
        } else if (message.type === 'navigate') navigation.moveTo(message.url, message.replace === true);
        else if (message.type === 'redirect') navigation.redirect(message.url);
        else if (message.type === 'progress') uploads.progress(message);
        else if (message.type === 'uploaded') uploads.done(message.ref);
        else if (message.type === 'ack') pending.settle(message.id);
        else if (message.type === 'error') {
          if (message.id !== undefined) pending.settle(message.id, message);
          else if (message.ref !== undefined) uploads.failed(message.ref, message);
          else {
            onError?.(message);
            // Retrying cannot help a page served from an origin the server refuses.
            if (message.code === 'origin_refused') stop();
          }
        } else {
          stop();
          onGone?.(message.reason);
        }
      } catch (error) {
        return restart(error as { code: string; message: string });
      }
      onMessage?.(message, size);
    },
    closed() {
      pending.dropped();
      uploads.failed(undefined, LOST);
      if (ready) {
        hooks.all('disconnected');
        onStatus?.(false);
      }
      ready = false;
      // Something between the page and the server (a proxy, a firewall) keeps refusing WebSockets.
      if (carrier === 'websocket' && sseUrl && ++failures >= 3) {
        open = overSse();
        carrier = 'sse';
        attempt = 0;
      }
      if (!stopped) timer = setTimeout(start, backoff(attempt++, options.minDelay ?? 500, options.maxDelay ?? 30_000));
    },
  };

  const unbind = options.bindings === false ? () => undefined : bind(root, sendEvent);
  start();
  return {
    send: (name, payload) => void sendEvent(name, payload),
    close: stop,
    get seq() {
      return last;
    },
    get transport() {
      return carrier;
    },
  };
}
