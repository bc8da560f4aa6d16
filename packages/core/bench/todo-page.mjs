// The todo page every core benchmark measures: a title and a keyed list.
export const TODO_TEMPLATE = `<section class="todoapp">
  <h1>{{title}}</h1>
  <ul class="todo-list">{{#todos}}<li class="{{#done}}done{{/done}}"><input type="checkbox"{{#done}} checked{{/done}}> {{text}}</li>{{/todos}}</ul>
</section>`;

export function todoData(count) {
  return {
    title: 'Todos',
    todos: Array.from({ length: count }, (_, i) => ({ id: i + 1, text: `Todo item ${i + 1}`, done: i % 3 === 0 })),
  };
}
