import { describe, expect, it } from 'vitest';
import { needs } from '@statetemplate/test-utils';
import { expectFreshRender, chromium, newVisitorContext, openLivePage, useDemo, WAIT_MS } from './support/harness.js';
import { MAX_TEXT } from '../src/todos.js';

describe('bad input is refused with a message, and nothing else changes', needs(chromium), () => {
  const harness = useDemo();

  function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(new URL(path, harness.url), {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      redirect: 'manual',
    });
  }

  it('refuses bad form posts and requests with a status and a reason', async () => {
    const before = harness.demo.todos.todos;
    const cases: [Promise<Response>, number, string][] = [
      [post('/do/add', 'text=%20%20'), 400, 'a todo needs some text'],
      [post('/do/add', `text=${'x'.repeat(MAX_TEXT + 1)}`), 400, `at most ${MAX_TEXT} characters`],
      [post('/do/toggle', 'id=never-existed'), 400, 'deleted meanwhile'],
      [post('/do/move', 'id=never-existed&to=sideways'), 400, 'moves up or down'],
      [post('/do/edit', 'text=no%20id'), 400, 'the field &#34;id&#34; is missing'],
      [post('/do/launch', 'x=1'), 400, 'unknown action'],
      [post('/do/add', '{"text":"json"}', { 'content-type': 'application/json' }), 400, 'expected a form post'],
      [post('/do/add', `text=${'y'.repeat(20_000)}`), 400, 'the form is too large'],
      [post('/do/add', 'text=from%20elsewhere', { origin: 'http://evil.example' }), 403, 'from this site only'],
      [fetch(new URL('/?filter=everything', harness.url)), 400, 'the filter is one of all, active, done'],
      [fetch(new URL('/no-such-page', harness.url)), 404, 'Not found'],
      [fetch(new URL('/', harness.url), { method: 'PUT' }), 404, 'Not found'],
    ];
    for (const [response, status, reason] of cases) {
      const answer = await response;
      expect({ status: answer.status, reason: (await answer.text()).includes(reason) }).toEqual({ status, reason: true });
    }
    expect(harness.demo.todos.todos).toBe(before);
    expect((await fetch(harness.url)).status).toBe(200);
  });

  it('shows a refused live event as a notice; the page stays live and the next action clears it', async () => {
    const context = await newVisitorContext(harness.browser);
    const live = await openLivePage(harness, context);
    const notice = live.page.locator('p.notice');

    await live.page.evaluate(() => window.demoConnection.send('add', { text: '' }));
    await notice.filter({ hasText: 'a todo needs some text' }).waitFor({ timeout: WAIT_MS });
    await live.page.evaluate(() => window.demoConnection.send('rename', ['not', 'an', 'object']));
    await notice.filter({ hasText: 'the field "name" is missing' }).waitFor({ timeout: WAIT_MS });
    await live.page.evaluate(() => window.demoConnection.send('filter', { filter: 'everything' }));
    await notice.filter({ hasText: 'the filter is one of' }).waitFor({ timeout: WAIT_MS });
    await live.page.evaluate(() => window.demoConnection.send('self-destruct'));
    await notice.filter({ hasText: 'unknown action' }).waitFor({ timeout: WAIT_MS });
    await expectFreshRender(harness, live);

    await live.page.fill('#name', 'Recovered');
    await live.page.press('#name', 'Enter');
    await notice.waitFor({ state: 'detached', timeout: WAIT_MS });
    await expectFreshRender(harness, live);
    await context.close();
  });
});
