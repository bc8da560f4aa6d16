import { readFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@statetemplate/protocol';
import { StateTemplate } from '@statetemplate/session';
import { attach, clientScriptPath } from '../src/index.js';
import { SIGNING_KEY, SseReader, start, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.close());

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const bundle = () => readFileSync(clientScriptPath);

describe('the client script', () => {
  it('is the client package bundle, served on /statetemplate/client.js, gzipped when the client takes it', async () => {
    h = await start();
    const plain = await get(`${h.origin}/statetemplate/client.js`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.body.equals(bundle())).toBe(true);
    const gzipped = await get(`${h.origin}/statetemplate/client.js`, { 'accept-encoding': 'br, gzip' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.body).equals(bundle())).toBe(true);
    expect(gzipped.headers.etag).toBe(plain.headers.etag);
  });

  it('revalidates by ETag, answers HEAD without a body and refuses other methods', async () => {
    h = await start();
    const url = `${h.origin}/statetemplate/client.js`;
    const { headers } = await get(url);
    expect((await get(url, { 'if-none-match': headers.etag! })).status).toBe(304);
    const head = await get(url, {}, 'HEAD');
    expect([head.status, head.body.length, Number(head.headers['content-length'])]).toEqual([200, 0, bundle().length]);
    const post = await get(url, {}, 'POST');
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD']);
  });

  it('moves to scriptPath, or is left to the application with false', async () => {
    h = await start({ scriptPath: '/js/live.js' });
    expect((await get(`${h.origin}/js/live.js`)).status).toBe(200);
    expect((await get(`${h.origin}/statetemplate/client.js`)).body.toString()).toBe('app');
    await h.close();
    h = await start({ scriptPath: false });
    expect((await get(`${h.origin}/statetemplate/client.js`)).body.toString()).toBe('app');
  });
});

describe('attach with intercept: false', () => {
  it('leaves every request to the application, whose route hands the live paths to handle()', async () => {
    h = await start({ intercept: false });
    expect((await get(`${h.origin}/statetemplate/client.js`)).body.toString()).toBe('app');
    const { server, attached } = h;
    server.removeAllListeners('request');
    server.on('request', (req, res) => {
      if (!attached.handle(req, res)) res.writeHead(404).end('app');
    });
    expect((await get(`${h.origin}/statetemplate/client.js`)).body.equals(bundle())).toBe(true);
    expect((await get(`${h.origin}/other`)).body.toString()).toBe('app');
  });

  it('takes an SSE body the framework parsed already, held to the same size limit', async () => {
    h = await start({ intercept: false, maxMessageBytes: 2048 });
    const { server, attached, st } = h;
    const bodies: unknown[] = [];
    server.removeAllListeners('request');
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString() || 'null') as unknown;
        bodies.push(body);
        if (!attached.handle(req, res, body as never)) res.writeHead(404).end();
      });
    });
    const { sessionId, token } = await st.newSession({ title: 'a', items: [] });
    const stream = await SseReader.open(`${h.origin}/statetemplate/sse`, { type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token, last: 0 }, h.origin);
    await stream.expect('ready');
    await stream.cancel();
    expect(bodies).toHaveLength(1);
    const tooBig = await new Promise<number>((resolve, reject) => {
      const req = request(`${h.origin}/statetemplate/sse`, { method: 'POST', headers: { 'content-type': 'application/json', origin: h.origin } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ type: 'event', name: 'x'.repeat(4096), cid: 'c' }));
    });
    expect(tooBig).toBe(413);
  });
});

describe('attach()', () => {
  const st = () => new StateTemplate('<p>{{x}}</p>', { signingKey: SIGNING_KEY });

  it('refuses an Express-style app passed instead of the server it listens on, saying so', () => {
    const app = Object.assign(() => undefined, { listen: () => undefined, on: () => undefined, listeners: () => [] });
    expect(() => attach(app as never, { stateTemplate: st() })).toThrow(new TypeError('attach() needs the http.Server the app listens on (const server = app.listen(port)), not the app'));
  });

  it('refuses anything else that is not a Node server', () => {
    expect(() => attach({ on() {}, listeners: () => [] } as never, { stateTemplate: st() })).toThrow(/needs a Node http or https server, not object/);
    expect(() => attach(null as never, { stateTemplate: st() })).toThrow(/not null/);
  });
});
