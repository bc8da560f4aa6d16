import type { Avatar } from './avatars.js';
import type { Todo } from './todos.js';
import type { TrafficSummary } from './traffic.js';
import { FILTERS, type Filter, type Visitor } from './visitor.js';

const LABELS: Record<Filter, string> = { all: 'All', active: 'Active', done: 'Done' };

/** The data app.mustache renders for one visitor: the shared list seen through their own filter. */
export interface AppView {
  visitor: { name: string; seconds: number; avatar: Avatar | null };
  time: string;
  notice: string;
  filters: { value: Filter; label: string; selected: boolean }[];
  todos: (Todo & { first: boolean; last: boolean })[];
  remaining: number;
  total: number;
  stats: TrafficSummary;
}

/** `clock` is the time of the last tick: views change with ticks and actions, never on their own. */
export function appView(todos: readonly Todo[], visitor: Visitor, clock: number): AppView {
  const shown = todos.filter((todo) => visitor.filter === 'all' || todo.done === (visitor.filter === 'done'));
  return {
    visitor: { name: visitor.name, seconds: visitor.seconds, avatar: visitor.avatar ?? null },
    time: new Date(clock).toISOString().slice(11, 19),
    notice: visitor.notice,
    filters: FILTERS.map((value) => ({ value, label: LABELS[value], selected: value === visitor.filter })),
    todos: shown.map((todo, i) => ({ ...todo, first: i === 0, last: i === shown.length - 1 })),
    remaining: todos.filter((todo) => !todo.done).length,
    total: todos.length,
    stats: visitor.stats,
  };
}
