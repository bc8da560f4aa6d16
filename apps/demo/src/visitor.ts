import { DemoError } from './errors.js';
import { Traffic, type TrafficSummary } from './traffic.js';

export const FILTERS = ['all', 'active', 'done'] as const;
export type Filter = (typeof FILTERS)[number];

export const MAX_NAME = 40;

/** One visitor's own state: it lives in this instance and is never shown to anyone else. */
export class Visitor {
  /** Seconds since the page was served, pushed by the server's clock. */
  seconds = 0;
  /** The last refusal, shown until the visitor's next accepted action. */
  notice = '';
  readonly traffic = new Traffic();
  /** What the traffic panel shows; refreshed on each tick only, so renders in between do not change it. */
  stats: TrafficSummary = this.traffic.summary();

  constructor(
    public name: string,
    public filter: Filter,
  ) {}
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
