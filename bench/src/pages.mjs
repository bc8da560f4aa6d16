// The pages every contender renders: one Mustache template (StateTemplate and
// full HTML) and the same markup as a LiveViewJS `html` tagged template.
// compare.mjs checks that both give the same HTML before measuring anything.
import './no-network.mjs';
import { html } from 'liveviewjs';

export const counter = {
  template: `<main class="counter"><h1>Counter</h1><p>Count: <b>{{count}}</b></p><button phx-click="inc">+</button></main>`,
  liveview: (d) => html`<main class="counter"><h1>Counter</h1><p>Count: <b>${d.count}</b></p><button phx-click="inc">+</button></main>`,
};

export const todo = {
  template: `<section class="todoapp">
  <h1>{{title}}</h1>
  <ul class="todo-list">{{#todos}}<li class="{{#done}}done{{/done}}"><input type="checkbox"{{#done}} checked{{/done}}> {{text}}</li>{{/todos}}</ul>
</section>`,
  liveview: (d) => html`<section class="todoapp">
  <h1>${d.title}</h1>
  <ul class="todo-list">${d.todos.map((t) => html`<li class="${t.done ? 'done' : ''}"><input type="checkbox"${t.done ? ' checked' : ''}> ${t.text}</li>`)}</ul>
</section>`,
};

export const chat = {
  template: `<div class="chat"><h2>{{room}}</h2><ol class="messages">{{#messages}}<li><b>{{author}}</b> <time>{{time}}</time> <p>{{text}}</p></li>{{/messages}}</ol></div>`,
  liveview: (d) =>
    html`<div class="chat"><h2>${d.room}</h2><ol class="messages">${d.messages.map((m) => html`<li><b>${m.author}</b> <time>${m.time}</time> <p>${m.text}</p></li>`)}</ol></div>`,
};

// Pages whose list items change one value at a time are compiled the way a
// user would for them: with granularity 'value' (see @statetemplate/core).
export const dashboard = {
  options: { granularity: 'value' },
  template: `<div class="dashboard">{{#metrics}}<div class="card"><span class="label">{{label}}</span> <span class="value">{{value}}</span> <span class="unit">{{unit}}</span></div>{{/metrics}}</div>`,
  liveview: (d) =>
    html`<div class="dashboard">${d.metrics.map((m) => html`<div class="card"><span class="label">${m.label}</span> <span class="value">${m.value}</span> <span class="unit">${m.unit}</span></div>`)}</div>`,
};

export const table = {
  options: { granularity: 'value' },
  template: `<table class="grid"><thead><tr><th>#</th><th>Name</th><th>City</th><th>Amount</th><th>Status</th></tr></thead><tbody>{{#rows}}<tr><td>{{id}}</td><td>{{name}}</td><td>{{city}}</td><td>{{amount}}</td><td>{{status}}</td></tr>{{/rows}}</tbody></table>`,
  liveview: (d) =>
    html`<table class="grid"><thead><tr><th>#</th><th>Name</th><th>City</th><th>Amount</th><th>Status</th></tr></thead><tbody>${d.rows.map((r) => html`<tr><td>${r.id}</td><td>${r.name}</td><td>${r.city}</td><td>${r.amount}</td><td>${r.status}</td></tr>`)}</tbody></table>`,
};
