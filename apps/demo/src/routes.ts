import { randomInt } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { SessionLimitError } from '@statetemplate/session';
import { parseAction } from './actions.js';
import type { Demo } from './app.js';
import { DemoError } from './errors.js';
import { newVisitor, parseFilter, validName } from './visitor.js';
import { Viewers, VIEWERS_TOPIC } from './viewers.js';

/** Largest form body a no-JavaScript post may send. */
const MAX_FORM_BYTES = 16 * 1024;
const NAME_COOKIE = 'demo-name';
const publicDir = new URL('../public/', import.meta.url).pathname;

const HTML_HEADERS = {
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
 * GET /demo.js, /demo.css, /favicon.svg (public/; the client's script is the adapter's, /statetemplate/client.js)
 * POST /do/NAME  the no-JavaScript fallback of every form, then back to the page
 */
export function routes(demo: Demo): Router {
  const router = express.Router();
  router.use(cookieParser());
  router.get('/', (request, response, next) => void page(demo, request, response).catch(next));
  router.get('/metrics', (_, response) => void response.set('cache-control', 'no-store').json(demo.metrics()));
  router.post('/do/:name', sameOrigin, express.urlencoded({ extended: false, limit: MAX_FORM_BYTES }), (request, response, next) => void post(demo, request, response).catch(next));
  router.use(express.static(publicDir, { index: false, setHeaders: (response) => response.set('x-content-type-options', 'nosniff') }));
  router.use((_, response) => send(response, 404, 'Not found.'));
  router.use(refusal);
  return router;
}

/** A new visitor: the server renders their page, which then goes live through demo.js. */
async function page(demo: Demo, request: Request, response: Response): Promise<void> {
  const { filter: asked } = request.query;
  const filter = asked === undefined ? 'all' : parseFilter(asked);
  const visitor = newVisitor(nameFromCookie(request) ?? `Visitor ${randomInt(1000, 10_000)}`, filter, demo.visitors.id);
  const { html, sessionId, token } = await demo.stateTemplate.newSession(demo.visitors.view(visitor), { topic: VIEWERS_TOPIC, presence: { ...Viewers.meta() } });
  // Stored before the page leaves: its socket may land on any instance.
  await demo.visitors.add(await demo.stateTemplate.getSession(sessionId, token), visitor);
  response.set(HTML_HEADERS).type('html').send(demo.page.renderPlain({ app: html, sessionId, token }));
}

/** A form posted without JavaScript: apply it like the live event, then show the page again. */
async function post(demo: Demo, request: Request, response: Response): Promise<void> {
  if (!request.is('application/x-www-form-urlencoded')) throw new DemoError('bad_request', 'expected a form post');
  const action = parseAction(String(request.params.name), request.body as Record<string, string>);
  let location = back(request);
  if (action.kind === 'todo') await demo.perform(action, undefined);
  else if (action.kind === 'filter') location = `/?filter=${action.filter}`;
  else response.cookie(NAME_COOKIE, action.name, { path: '/', httpOnly: true, sameSite: 'lax' });
  response.redirect(303, location);
}

/** Cross-site form posts would let any site edit the shared list. */
function sameOrigin(request: Request, response: Response, next: NextFunction): void {
  const { origin } = request.headers;
  if (origin === undefined || hostOf(origin) === request.headers.host) return next();
  send(response, 403, 'Forms are accepted from this site only.');
}

/** The page the form came from when it is ours (keeps its filter), else the start page. */
function back(request: Request): string {
  const { referer } = request.headers;
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

function nameFromCookie(request: Request): string | null {
  const value: unknown = request.cookies?.[NAME_COOKIE];
  if (typeof value !== 'string') return null;
  try {
    return validName(value);
  } catch {
    return null;
  }
}

/** Express's error handler: the visitor's mistakes are 400s with their reason, a full house a 503, the rest a logged 500. */
function refusal(error: unknown, _: Request, response: Response, next: NextFunction): void {
  if (response.headersSent) return next(error);
  if (error instanceof DemoError) return send(response, 400, error.message);
  if (error instanceof SessionLimitError) return send(response, 503, 'Too many visitors right now; try again in a while.');
  const unread = bodyRefusal(error);
  if (unread !== null) return send(response, 400, unread);
  console.error('[demo] request failed:', error);
  send(response, 500, 'Something went wrong.');
}

/** What a refusal of body-parser (an http-error with a 4xx `status` and a `type`) says to the visitor; null for any other error. */
function bodyRefusal(error: unknown): string | null {
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500 || typeof type !== 'string') return null;
  return type === 'entity.too.large' ? 'the form is too large' : 'the form could not be read';
}

function send(response: Response, status: number, message: string): void {
  const escaped = message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = `<!DOCTYPE html><html lang="en"><title>${status}</title><p>${escaped}</p><p><a href="/">Back to the list</a></p></html>`;
  response.status(status).set(HTML_HEADERS).type('html').send(body);
}
