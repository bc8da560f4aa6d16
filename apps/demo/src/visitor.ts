import type { Avatar } from './avatars.js';
import { DemoError } from './errors.js';
import { Traffic, type TrafficSummary } from './traffic.js';

export const FILTERS = ['all', 'active', 'done'] as const;
export type Filter = (typeof FILTERS)[number];

export const MAX_NAME = 40;

/**
 * One visitor's own state, never shown to anyone else. It is kept in the
 * store beside their session, so whichever instance their socket lands on
 * (another one, or this one after a restart) carries on from it.
 * A type alias of type literals, so the store takes it as JSON.
 */
export type Visitor = {
  name: string;
  filter: Filter;
  /** Seconds on the page: one more on every clock tick of the instance holding it. */
  seconds: number;
  /** The last refusal, shown until the visitor's next accepted action. */
  notice: string;
  /** What the traffic panel shows, as of the last tick (so renders in between do not change it). */
  stats: { [K in keyof TrafficSummary]: TrafficSummary[K] };
  /** The instance holding the page's connection: the only one ticking and rendering it. */
  holder: string;
  /** The picture they uploaded last, if any. */
  avatar: Avatar | null;
};

export function newVisitor(name: string, filter: Filter, holder: string): Visitor {
  return { name, filter, seconds: 0, notice: '', stats: new Traffic().summary(), holder, avatar: null };
}

export function validName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > MAX_NAME) throw new DemoError('invalid_text', `a name has 1 to ${MAX_NAME} characters`);
  return trimmed;
}

export function parseFilter(value: unknown): Filter {
  const filter = FILTERS.find((f) => f === value);
  if (filter === undefined) throw new DemoError('bad_request', `the filter is one of ${FILTERS.join(', ')}`);
  return filter;
}
