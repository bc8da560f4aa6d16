/** Checks of values off the wire, shared by the messages' shapes and the compact batch's entries. */
export type Check = (value: unknown) => boolean;

/** A string, not empty. */
export const text: Check = (v) => typeof v === 'string' && v !== '';
export const string: Check = (v) => typeof v === 'string';
/** A sequence number, count or index: a safe integer, not negative. */
export const seq: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
export const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
