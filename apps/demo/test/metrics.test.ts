import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from '@statetemplate/test-utils';
import { Demo } from '../src/app.js';

describe('the /metrics page', () => {
  const logger = recordingLogger();
  let demo: Demo;
  let url: URL;
  beforeAll(async () => {
    demo = await Demo.start({ tickMs: 0, logger });
    url = await demo.listen(0);
  });
  afterAll(() => demo?.close());

  it("shows the transport's metrics as JSON", async () => {
    expect((await fetch(url)).status).toBe(200);
    const response = await fetch(new URL('/metrics', url));
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const metrics = (await response.json()) as ReturnType<Demo['metrics']>;
    // A page loaded, not connected: a session in the store, no stream or connection here.
    expect(metrics).toMatchObject({ connections: 0, sessions: 0, bytesSent: 0, renders: { total: expect.any(Number), perSecond: expect.any(Number) }, store: { failing: false } });
    // The viewers topic is published before the first page.
    expect(metrics.publishes).toBeGreaterThan(0);
    expect(metrics.store.calls).toBeGreaterThan(0);
  });

  it('gives the StateTemplate and the transport its logger', async () => {
    expect(demo.stateTemplate.logger).toBe(logger);
    const refused = await fetch(new URL('/statetemplate/sse', url), { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body: '{}' });
    expect(refused.status).toBe(403);
    await refused.body?.cancel();
    expect((await logger.heard('statetemplate: origin refused')).fields.origin).toBe('http://evil.example');
  });
});
