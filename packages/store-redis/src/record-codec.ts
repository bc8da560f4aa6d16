import { StoreError, type JsonValue, type SessionRecord } from '@statetemplate/store';

/** A record checked and turned into the strings a Redis hash holds. */
export interface EncodedRecord {
  id: string;
  version: number;
  createdAt: number;
  expiresAt: number;
  data: string;
}

/** Checks a record from the caller; bad input rejects with `invalid` before Redis sees it. */
export function encodeRecord(record: SessionRecord): EncodedRecord {
  if (typeof record !== 'object' || record === null) throw invalid('record must be an object');
  const { id, version, createdAt, expiresAt } = record;
  requireId(id);
  if (!Number.isSafeInteger(version)) throw invalid('version must be an integer');
  requireTime('createdAt', createdAt);
  requireTime('expiresAt', expiresAt);
  return { id, version, createdAt, expiresAt, data: encodeData(record.data) };
}

/** The record a session hash holds, or null when the hash is empty (missing). */
export function decodeRecord(id: string, hash: Record<string, string>): SessionRecord | null {
  const { version, createdAt, expiresAt, data } = hash;
  if (version === undefined || createdAt === undefined || expiresAt === undefined || data === undefined) return null;
  try {
    return { id, version: Number(version), createdAt: Number(createdAt), expiresAt: Number(expiresAt), data: JSON.parse(data) as JsonValue };
  } catch (error) {
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

/** JSON text of the data, with the same rules as the memory store so a session behaves alike in both. */
function encodeData(data: JsonValue): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    throw new StoreError('invalid', 'data is not JSON-encodable', { cause: error });
  }
  if (text === undefined) throw invalid('data is not a JSON value');
  return text;
}

function invalid(message: string): StoreError {
  return new StoreError('invalid', message);
}
