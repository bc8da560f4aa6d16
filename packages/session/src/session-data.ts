import type { RenderState } from '@statetemplate/core';
import type { JsonValue, SessionRecord } from '@statetemplate/store';
import { numbered, weight, type SessionUpdate } from './session-update.js';

/**
 * What a session keeps in its store record's `data`; JSON-safe so any store
 * can hold it. Immutable like the record (a store may share it): each render
 * builds a new one, sharing what did not change.
 */
export interface SessionData {
  /**
   * Core's diff state for the data last rendered. JSON text until the first
   * render: many sessions are never rendered again, and the text takes about a
   * fifth of the heap of the objects. Renders keep the objects, which core's
   * update builds copy-on-write.
   */
  readonly state: Readonly<RenderState> | string;
  /** Sequence number of the newest update (0 before the first). */
  readonly seq: number;
  /** The newest updates, oldest first, for clients catching up after a reconnect. */
  readonly log: readonly SessionUpdate[];
  /** The client binding the session's token carries, if any. */
  readonly client?: string;
  /** A topic session's topic: its name, the topic sequence number the state's shared regions are at, and the one the session began at. */
  readonly topic?: TopicLink;
  /** A topic session's own data, its last render's: the topic's fields join it at the root. */
  readonly own?: JsonValue;
}

export interface TopicLink {
  readonly name: string;
  readonly at: number;
  readonly base: number;
  /** What the session's presence entry on the topic shows (newSession's `presence`). */
  readonly presence?: JsonValue;
}

/** A replay log never holds more html than this: past it, a resync is cheaper than a replay. */
const LOG_BYTES = 16 * 1024;

export function sessionData(record: SessionRecord): SessionData {
  return record.data as unknown as SessionData;
}

/** The state for core's update to move forward, leaving the stored one as it is. */
export function workingState(data: SessionData): RenderState {
  // Core's update reassigns only the top level of a state, so a shallow copy is enough.
  return typeof data.state === 'string' ? (JSON.parse(data.state) as RenderState) : { ...data.state };
}

export function toJson(data: SessionData): JsonValue {
  return data as unknown as JsonValue;
}

/**
 * A JSON copy of data the application keeps (a topic's, a topic session's
 * own): the store gets values of its own that the application may go on
 * changing in place, and every instance renders the same. TypeError for data
 * that is not JSON data.
 */
export function jsonCopy(value: unknown, what: string): JsonValue {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`${what} must be JSON data`, { cause: error });
  }
  if (text === undefined) throw new TypeError(`${what} must be JSON data`);
  return JSON.parse(text) as JsonValue;
}

/** `log` plus `updates`, keeping the newest `limit` of them and at most LOG_BYTES of html. */
export function appendLog(log: readonly SessionUpdate[], updates: readonly SessionUpdate[], limit: number): SessionUpdate[] {
  const total = log.length + updates.length;
  let start = Math.max(0, total - limit);
  let bytes = 0;
  for (let i = total - 1; i >= start; i--) {
    bytes += weight(i < log.length ? log[i]! : updates[i - log.length]!);
    if (bytes > LOG_BYTES) start = i + 1;
  }
  // One array of the kept entries, without first building the whole concatenation.
  const kept = new Array<SessionUpdate>(total - start);
  for (let i = start; i < total; i++) kept[i - start] = i < log.length ? log[i]! : updates[i - log.length]!;
  return kept;
}

/**
 * Copies of the updates after `seq` (the log itself stays the store's), or
 * null when the log no longer reaches back that far (or `seq` is unknown).
 */
export function loggedSince(data: SessionData, seq: number): SessionUpdate[] | null {
  if (seq === data.seq) return [];
  if (!Number.isInteger(seq) || seq > data.seq) return null;
  const first = data.log[0];
  if (first === undefined || first.seq > seq + 1) return null;
  return data.log.filter((u) => u.seq > seq).map(copy);
}

/** An update the caller may change without touching the stored log. */
export function copy(update: SessionUpdate): SessionUpdate {
  return numbered(update, update.seq);
}
