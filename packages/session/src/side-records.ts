import type { JsonValue, SessionRecord } from '@statetemplate/store';

/** Attempts at a compare-and-set before giving up on a record that other instances keep changing. */
export const MAX_ATTEMPTS = 50;

/**
 * A record the session layer keeps beside the sessions (a topic, a presence
 * directory or entry list). Its id holds a colon, which session ids never do;
 * without `expiresAt` it never expires.
 */
export function sideRecord(id: string, version: number, data: JsonValue, expiresAt = 8.64e15): SessionRecord {
  return { id, version, createdAt: 0, expiresAt, data };
}
