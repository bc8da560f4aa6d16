// The scenarios: a page, its first data, and the change applied before each
// update. Changes mutate the data in place and draw from a seeded generator,
// so every contender replays exactly the same sequence of pages.
import { chat, counter, dashboard, table, todo } from './pages.mjs';
import { below, oneOf, words } from './random.mjs';

/** The todo page's first data: `count` items (ids 1…count) and the next free id. */
export const todos = (count) => ({
  title: 'Todos',
  nextId: count + 1,
  todos: Array.from({ length: count }, (_, i) => ({ id: i + 1, text: `Todo ${i + 1}`, done: i % 3 === 0 })),
});

const toggle = (d, rng) => {
  const item = d.todos[below(rng, d.todos.length)];
  item.done = !item.done;
};

/** The four one-item changes on the 1,000-item todo page. */
const todo1000 = (verb, change) => ({
  id: `todo-1000-${verb}`,
  title: `todo-1000: ${verb} one`,
  short: `todo-1000 ${verb}`,
  page: todo,
  updates: 300,
  batch: 10,
  oneItem: true,
  list: true,
  data: () => todos(1000),
  change,
});

const NAMES = ['Ada', 'Grace', 'Linus', 'Ken', 'Barbara', 'Edsger', 'Margaret', 'Dennis'];
const CITIES = ['Lisbon', 'Oslo', 'Quito', 'Nairobi', 'Hanoi', 'Lima', 'Perth', 'Tunis'];
const STATUSES = ['open', 'paid', 'late', 'void'];

const message = (id, rng) => ({ id, author: oneOf(rng, NAMES), time: `12:${String(id % 60).padStart(2, '0')}`, text: words(rng, 8) });

/** A new value for each editable table column. */
const CELL = {
  name: (rng) => oneOf(rng, NAMES),
  city: (rng) => oneOf(rng, CITIES),
  amount: (rng) => (below(rng, 1_000_000) / 100).toFixed(2),
  status: (rng) => oneOf(rng, STATUSES),
};

/**
 * `short` labels the chart. `updates` is how many measured updates each
 * contender produces, in batches of `batch` after which the data returns to
 * the first page (so appends and removes stay near the nominal size).
 * `oneItem` scenarios fall under the 150 B target; `list` ones under the
 * ratio targets.
 */
export const SCENARIOS = [
  {
    id: 'counter',
    title: 'counter: one number changes',
    short: 'counter',
    page: counter,
    updates: 20000,
    batch: 1000,
    oneItem: true,
    list: false,
    data: () => ({ count: 0 }),
    change: (d) => {
      d.count++;
    },
  },
  { id: 'todo-25-toggle', title: 'todo-25: toggle one', short: 'todo-25 toggle', page: todo, updates: 5000, batch: 250, oneItem: true, list: true, data: () => todos(25), change: toggle },
  todo1000('toggle', toggle),
  todo1000('append', (d, rng) => {
    const id = d.nextId++;
    d.todos.push({ id, text: `${words(rng, 2)} ${id}`, done: false });
  }),
  todo1000('remove', (d, rng) => {
    d.todos.splice(below(rng, d.todos.length), 1);
  }),
  todo1000('move', (d, rng) => {
    const [item] = d.todos.splice(below(rng, d.todos.length), 1);
    d.todos.splice(below(rng, d.todos.length + 1), 0, item);
  }),
  {
    id: 'chat-append',
    title: 'chat: 100 messages, append one',
    short: 'chat-100 append',
    page: chat,
    updates: 600,
    batch: 10,
    oneItem: true,
    list: true,
    data: (rng) => ({ room: '#general', messages: Array.from({ length: 100 }, (_, i) => message(i + 1, rng)) }),
    change: (d, rng) => {
      d.messages.push(message(d.messages.length + 1, rng));
    },
  },
  {
    id: 'dashboard-5-of-50',
    title: 'dashboard: 50 values, 5 change',
    short: 'dashboard 5-of-50',
    page: dashboard,
    updates: 3000,
    batch: 50,
    oneItem: false,
    list: true,
    data: (rng) => ({
      metrics: Array.from({ length: 50 }, (_, i) => ({ id: i + 1, label: `metric ${i + 1}`, value: below(rng, 10_000) / 10, unit: oneOf(rng, ['ms', 'req/s', '%', 'MB']) })),
    }),
    change: (d, rng) => {
      const picked = new Set();
      while (picked.size < 5) picked.add(below(rng, d.metrics.length));
      for (const i of picked) d.metrics[i].value = Math.round(d.metrics[i].value * 10 + 1 + below(rng, 100)) / 10;
    },
  },
  {
    id: 'table-300-cell',
    title: 'table: 300 rows, edit one cell',
    short: 'table-300 cell',
    page: table,
    updates: 600,
    batch: 15,
    oneItem: true,
    list: true,
    data: (rng) => ({
      rows: Array.from({ length: 300 }, (_, i) => ({ id: i + 1, ...Object.fromEntries(Object.entries(CELL).map(([k, make]) => [k, make(rng)])) })),
    }),
    change: (d, rng) => {
      const row = d.rows[below(rng, d.rows.length)];
      const column = oneOf(rng, Object.keys(CELL));
      let value;
      do value = CELL[column](rng);
      while (value === row[column]);
      row[column] = value;
    },
  },
];
