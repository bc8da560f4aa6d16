import type { IncomingMessage } from 'node:http';
import { attach, type AttachOptions, type Attached, type EventMap, type HttpServer, type RequestBody } from '@statetemplate/server';
import type { Application, NextFunction, Request, Response } from 'express';

/** attach()'s options; the adapter routes the SSE and script paths itself. */
export type LiveOptions<View = unknown, Events extends EventMap = EventMap> = Omit<AttachOptions<View, Events>, 'intercept'>;

/**
 * Makes `app` live on `server`, the http.Server it runs on: WebSocket
 * upgrades on `server`, and the SSE fallback and the client script as
 * Express middleware (so the app's own middleware before it applies to
 * them: logging, auth, rate limits). Call it before the app's routes, with
 * `createServer(app)` or what `app.listen()` returned.
 */
export function live<View = unknown, Events extends EventMap = EventMap>(app: Application, server: HttpServer, options: LiveOptions<View, Events>): Attached {
  const attached = attach(server, { ...options, intercept: false });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (!attached.handle(request, response, bodyOf(request))) next();
  });
  return attached;
}

/** What a body parser before us read (express.json(), express.text()…): the stream is drained then. */
function bodyOf(request: IncomingMessage & { body?: unknown }): RequestBody | undefined {
  return request.readableEnded && request.body !== undefined ? (request.body as RequestBody) : undefined;
}
