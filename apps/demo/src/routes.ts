import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomInt } from 'node:crypto';
import { SessionLimitError } from '@statetemplate/session';
import { parseAction } from './actions.js';
import type { Demo } from './app.js';
import { DemoError } from './errors.js';
import { staticFile } from './static-files.js';
import { newVisitor, parseFilter, validName } from './visitor.js';
import { Viewers, VIEWERS_TOPIC } from './viewers.js';

/** Largest form body a no-JavaScript post may send. */
const MAX_FORM_BYTES = 16 * 1024;
const NAME_COOKIE = 'demo-name';

const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // The page carries a session token: never cache it, never leak it in a Referer.
  'cache-control': 'no-store',
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  // Defence in depth only: templates escape by default, the tests check escaping without relying on this.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

/**
 * GET /          a new session's page (?filter=all|active|done)
 * GET /metrics   what the live part is doing, as JSON (Demo.metrics)
 * GET /demo.js, /demo.css, /favicon.svg, /statetemplate.min.js
 * POST /do/NAME  the no-JavaScript fallback of every form, then back to the page
 */
export async function handleRequest(demo: Demo, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://demo.invalid');
  try {
    if (request.method === 'GET' && url.pathname === '/') return await page(demo, request, response, url);
    if (request.method === 'GET' && url.pathname === '/metrics') return sendJson(response, demo.metrics());
    if (request.method === 'POST' && url.pathname.startsWith('/do/')) return await post(demo, request, response, url.pathname.slice(4));
    const file = request.method === 'GET' ? await staticFile(url.pathname) : null;
    if (file === null) return send(response, 404, 'Not found.');
    response.writeHead(200, { 'content-type': file.type, 'x-content-type-options': 'nosniff' }).end(file.body);
  } catch (error) {
    if (error instanceof DemoError) send(response, 400, error.message);
    else if (error instanceof SessionLimitError) send(response, 503, 'Too many visitors right now; try again in a while.');
    else {
      console.error('[demo] request failed:', error);
      if (!response.headersSent) send(response, 500, 'Something went wrong.');
      else response.destroy();
    }
  }
}

/** A new visitor: the server renders their page, which then goes live through demo.js. */
async function page(demo: Demo, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  const filter = url.searchParams.has('filter') ? parseFilter(url.searchParams.get('filter')) : 'all';
  const visitor = newVisitor(nameFromCookie(request) ?? `Visitor ${randomInt(1000, 10_000)}`, filter, demo.visitors.id);
  const { html, sessionId, token } = await demo.stateTemplate.newSession(demo.visitors.view(visitor), { topic: VIEWERS_TOPIC, presence: { ...Viewers.meta() } });
  // Stored before the page leaves: its socket may land on any instance.
  await demo.visitors.add(await demo.stateTemplate.getSession(sessionId, token), visitor);
  response.writeHead(200, HTML_HEADERS).end(demo.page.renderPlain({ app: html, sessionId, token }));
}

/** A form posted without JavaScript: apply it like the live event, then show the page again. */
async function post(demo: Demo, request: IncomingMessage, response: ServerResponse, name: string): Promise<void> {
  if (!sameOrigin(request)) return send(response, 403, 'Forms are accepted from this site only.');
  const action = parseAction(name, await readForm(request));
  const headers: Record<string, string> = { location: back(request) };
  if (action.kind === 'todo') await demo.perform(action, undefined);
  else if (action.kind === 'filter') headers.location = `/?filter=${action.filter}`;
  else headers['set-cookie'] = `${NAME_COOKIE}=${encodeURIComponent(action.name)}; Path=/; HttpOnly; SameSite=Lax`;
  response.writeHead(303, headers).end();
}

async function readForm(request: IncomingMessage): Promise<Record<string, string>> {
  if (!(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    throw new DemoError('bad_request', 'expected a form post');
  }
  let body = '';
  for await (const chunk of request) {
    body += String(chunk);
    if (body.length > MAX_FORM_BYTES) throw new DemoError('bad_request', 'the form is too large');
  }
  return Object.fromEntries(new URLSearchParams(body));
}

/** Cross-site form posts would let any site edit the shared list. */
function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  return origin === undefined || hostOf(origin) === request.headers.host;
}

/** The page the form came from when it is ours (keeps its filter), else the start page. */
function back(request: IncomingMessage): string {
  const referer = request.headers.referer;
  if (referer === undefined || hostOf(referer) !== request.headers.host) return '/';
  const url = new URL(referer);
  return url.pathname + url.search;
}

function hostOf(address: string): string | null {
  try {
    return new URL(address).host;
  } catch {
    return null;
  }
}

function nameFromCookie(request: IncomingMessage): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, value] = part.trim().split('=', 2);
    if (key !== NAME_COOKIE || value === undefined) continue;
    try {
      return validName(decodeURIComponent(value));
    } catch {
      return null;
    }
  }
  return null;
}

function sendJson(response: ServerResponse, value: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }).end(JSON.stringify(value, null, 2));
}

function send(response: ServerResponse, status: number, message: string): void {
  const escaped = message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = `<!DOCTYPE html><html lang="en"><title>${status}</title><p>${escaped}</p><p><a href="/">Back to the list</a></p></html>`;
  response.writeHead(status, HTML_HEADERS).end(body);
}
