import type { SessionStore } from '@statetemplate/store';
import { decodeMessage, type EndReason } from './channel-message.js';
import type { StreamItem } from './session-command.js';
import type { SessionUpdate } from './session-update.js';
import { UpdateStream, type CatchUp } from './update-stream.js';

type AnyStream = UpdateStream<StreamItem<SessionUpdate>>;

/**
 * This instance's one store subscription for a session, fanned out to its
 * update streams. Every update reaches streams through here, whichever
 * instance rendered it, so a local render and a remote one take the same path.
 */
export class SessionChannel {
  readonly #streams = new Set<AnyStream>();
  readonly #subscribed: Promise<() => Promise<void>>;
  #closed: Promise<void> | null = null;

  constructor(
    store: SessionStore,
    id: string,
    private readonly onClosed: (channel: SessionChannel) => void,
    /** An end message arrived: why the session ended. */
    private readonly onEnd: (reason: EndReason) => void,
    /** An updates message arrived: the session is at least at this sequence number. */
    private readonly onSeq: (seq: number) => void,
    /** Unsubscribing failed. */
    private readonly report: (error: unknown) => void,
  ) {
    this.#subscribed = store.subscribe(id, (text) => this.#receive(text));
    // Rejections reach each stream through open(); this keeps the promise from counting as unhandled.
    this.#subscribed.catch(() => undefined);
  }

  /** A stream that has seen everything up to `seq`; it catches up from the store once subscribed. */
  open<T extends StreamItem<SessionUpdate>>(seq: number, limit: number, catchUp: CatchUp, commands: boolean): UpdateStream<T> {
    const stream = new UpdateStream<T>(seq, limit, catchUp, (s) => this.#remove(s), commands);
    this.#streams.add(stream);
    this.#subscribed.then(
      () => stream.check(),
      (error: unknown) => stream.fail(error),
    );
    return stream;
  }

  /** The open streams, for metrics. */
  get streams(): ReadonlySet<AnyStream> {
    return this.#streams;
  }

  /** Has every stream ask the store whether it missed anything. */
  check(): void {
    for (const stream of this.#streams) stream.check();
  }

  /** Has every stream deliver the whole page anew (UpdateStream.resync). */
  resync(): void {
    for (const stream of this.#streams) stream.resync();
  }

  /** Ends every stream; resolves once the store subscription is gone. */
  end(): Promise<void> {
    for (const stream of [...this.#streams]) stream.end();
    return this.#close();
  }

  #receive(text: string): void {
    const message = decodeMessage(text);
    if (message === null) return;
    if ('end' in message) {
      this.onEnd(message.end);
      void this.end();
    }
    else if ('command' in message) for (const stream of [...this.#streams]) stream.command(message.command);
    else if (message.updates.length > 0) {
      this.onSeq(message.updates[message.updates.length - 1]!.seq);
      for (const stream of [...this.#streams]) stream.push(message.updates);
    }
  }

  #remove(stream: AnyStream): void {
    if (this.#streams.delete(stream) && this.#streams.size === 0) void this.#close();
  }

  #close(): Promise<void> {
    if (this.#closed === null) {
      this.onClosed(this);
      this.#closed = this.#subscribed.then(
        (unsubscribe) => unsubscribe(),
        () => undefined,
      ).catch(this.report);
    }
    return this.#closed;
  }
}
