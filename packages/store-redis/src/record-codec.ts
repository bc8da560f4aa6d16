import { StoreError, type JsonValue, type SessionRecord } from '@statetemplate/store';

/** A record's fields checked, before Redis sees them (its data is encoded apart, as chunks). */
export interface CheckedRecord {
  id: string;
  version: number;
  createdAt: number;
  expiresAt: number;
}

/** Checks a record from the caller; bad input rejects with `invalid` before Redis sees it. */
export function checkRecord(record: SessionRecord): CheckedRecord {
  if (typeof record !== 'object' || record === null) throw invalid('record must be an object');
  const { id, version, createdAt, expiresAt } = record;
  requireId(id);
  if (!Number.isSafeInteger(version)) throw invalid('version must be an integer');
  requireTime('createdAt', createdAt);
  requireTime('expiresAt', expiresAt);
  return { id, version, createdAt, expiresAt };
}

/**
 * The record a session hash holds, or null when the hash is empty (missing).
 * Its data is the chunks from `root` on, or, written before chunks, one JSON field.
 */
export function decodeRecord(id: string, hash: Record<string, string>, chunks: (root: string) => JsonValue): SessionRecord | null {
  const { version, createdAt, expiresAt, root, data } = hash;
  if (version === undefined || createdAt === undefined || expiresAt === undefined || (root === undefined && data === undefined)) return null;
  try {
    return { id, version: Number(version), createdAt: Number(createdAt), expiresAt: Number(expiresAt), data: root === undefined ? (JSON.parse(data!) as JsonValue) : chunks(root) };
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError('invalid', `session ${id} holds data that is not JSON`, { cause: error });
  }
}

export function requireId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) throw invalid('id must be a non-empty string');
}

/** Milliseconds since the epoch, in the range where Redis TTLs and doubles stay exact. */
export function requireTime(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(Math.trunc(value))) throw invalid(`${name} must be a finite time in ms`);
}

/** Milliseconds from now until `expiresAt`; zero or less makes Redis drop the key at once. */
export function ttlUntil(expiresAt: number): number {
  return Math.ceil(expiresAt - Date.now());
}

function invalid(message: string): StoreError {
  return new StoreError('invalid', message);
}
