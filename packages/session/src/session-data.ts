import type { RenderState } from '@statetemplate/core';
import type { JsonValue, SessionRecord } from '@statetemplate/store';
import { weight, type SessionUpdate } from './session-update.js';

/** What a session keeps in its store record's `data`; JSON-safe so any store can hold it. */
export interface SessionData {
  /** Core's diff state for the data last rendered. */
  state: RenderState;
  /** The data last rendered, so a full page can be rendered again for a resync. */
  data: unknown;
  /** Sequence number of the newest update (0 before the first). */
  seq: number;
  /** The newest updates, oldest first, for clients catching up after a reconnect. */
  log: SessionUpdate[];
  /** The client binding the session's token carries, if any. */
  client?: string;
}

/** A replay log never holds more html than this: past it, a resync is cheaper than a replay. */
const LOG_BYTES = 16 * 1024;

export function sessionData(record: SessionRecord): SessionData {
  return record.data as unknown as SessionData;
}

export function toJson(data: SessionData): JsonValue {
  return data as unknown as JsonValue;
}

/** `log` plus `updates`, keeping the newest `limit` of them and at most LOG_BYTES of html. */
export function appendLog(log: SessionUpdate[], updates: SessionUpdate[], limit: number): SessionUpdate[] {
  const all = log.concat(updates);
  let start = Math.max(0, all.length - limit);
  let bytes = 0;
  for (let i = all.length - 1; i >= start; i--) {
    bytes += weight(all[i]!);
    if (bytes > LOG_BYTES) start = i + 1;
  }
  return start === 0 ? all : all.slice(start);
}

/** The updates after `seq`, or null when the log no longer reaches back that far (or `seq` is unknown). */
export function loggedSince(data: SessionData, seq: number): SessionUpdate[] | null {
  if (seq === data.seq) return [];
  if (!Number.isInteger(seq) || seq > data.seq) return null;
  const first = data.log[0];
  if (first === undefined || first.seq > seq + 1) return null;
  return data.log.filter((u) => u.seq > seq);
}
