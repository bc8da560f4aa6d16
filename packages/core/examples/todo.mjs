// Core only: compile once, render, then get the minimal updates for new data.
// Run from the repository root: npx -y pnpm@10 example
import { compile, stripAnnotations } from '@statetemplate/core';

const template = compile(`<h1>{{title}}</h1>
<ul>
  {{#todos}}
  <li class="{{#done}}done{{/done}}">{{text}}</li>
  {{/todos}}
</ul>
<p>{{remaining}} left</p>`);

const data = {
  title: 'Groceries',
  todos: [
    { id: 1, text: 'Milk', done: false },
    { id: 2, text: 'Bread <fresh>', done: false },
  ],
  remaining: 2,
};

const { html, state } = template.render(data);
console.log('Initial HTML (annotated):\n' + html);
console.log('\nThe same without annotations (plain Mustache):\n' + stripAnnotations(html));

// Mutate in place or pass a fresh object: both work.
data.todos[0].done = true;
data.todos.push({ id: 3, text: 'Eggs', done: false });
data.remaining = 2;
console.log('\nUpdates after toggling "Milk" and adding "Eggs":');
for (const update of template.update(state, data)) console.log(JSON.stringify(update));

console.log('\nUpdates when nothing changed:', JSON.stringify(template.update(state, data)));
