import { nanoid } from 'nanoid';

/** 22 symbols of a 64-letter alphabet: 132 bits, above the 126 of nanoid's default 21. */
export const SESSION_ID_LENGTH = 22;

const SHAPE = /^[A-Za-z0-9_-]{22}$/;

/** A new unguessable session id (URL-safe, from the CSPRNG). */
export function newSessionId(): string {
  return nanoid(SESSION_ID_LENGTH);
}

/** Cheap syntax check that rejects garbage before any lookup or crypto; says nothing about existence. */
export function isSessionIdShape(id: unknown): id is string {
  return typeof id === 'string' && SHAPE.test(id);
}
