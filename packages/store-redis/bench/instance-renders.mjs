// One instance of the store-redis bench's throughput scenario, in a process of
// its own: it opens SESSIONS sessions of a todo-25 page on REDIS_URL, answers
// { ready: true } over IPC, then on { go: true } renders RENDERS one-item
// changes spread over its sessions (each session one render at a time, all
// sessions at once) and answers { done: renders } when every render landed.
import { StateTemplate } from '@statetemplate/session';
import { RedisSessionStore } from '../dist/index.js';
import { signingKey, todoPage, todoTemplate, withItem } from '../test/fixtures/todo-page.mjs';

const sessions = Number(process.env.SESSIONS);
const renders = Number(process.env.RENDERS);
const store = new RedisSessionStore({ url: process.env.REDIS_URL });
const app = new StateTemplate(todoTemplate, { store, signingKey });
const page = todoPage('throughput');
const opened = [];
for (let i = 0; i < sessions; i++) {
  const { sessionId, token } = await app.newSession(page);
  opened.push(await app.getSession(sessionId, token));
}
process.send({ ready: true });
process.once('message', async () => {
  const each = Math.ceil(renders / sessions);
  await Promise.all(
    opened.map(async (session, s) => {
      for (let i = 0; i < each; i++) await session.render(withItem(page, (s + i) % 25, `edit ${s}.${i}`));
    }),
  );
  process.send({ done: each * sessions });
  await app.close();
  await store.close();
  process.exit(0);
});
