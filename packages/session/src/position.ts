/**
 * Where a page of a topic session stands, in the one number a page keeps:
 * its own updates (from the session's renders) and the topic's shared
 * updates since the session began, each counted on its own. Either count
 * moving on makes the number grow, and it says exactly which of both the page has.
 */
const SPAN = 2 ** 30;
/** Own updates a topic session may make: positions stay safe integers. */
const OWN_LIMIT = Math.floor(Number.MAX_SAFE_INTEGER / SPAN);

export function position(own: number, shared: number): number {
  if (own >= OWN_LIMIT || shared >= SPAN) throw new RangeError(`a topic session holds at most ${OWN_LIMIT} own and ${SPAN} shared updates`);
  return own * SPAN + shared;
}

/** The own updates a position holds; -1 (a page asking for the whole page) stays -1. */
export function ownPart(at: number): number {
  return at < 0 ? at : Math.floor(at / SPAN);
}

/** The shared updates a position holds. */
export function sharedPart(at: number): number {
  return at < 0 ? 0 : at % SPAN;
}
