import type { HttpBindings, ServerType } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { attach, type AttachOptions, type Attached, type EventMap, type HttpServer } from '@statetemplate/server';
import type { Context, Hono } from 'hono';

/** attach()'s options; the adapter routes the SSE and script paths itself. */
export type LiveOptions<View = unknown, Events extends EventMap = EventMap> = Omit<AttachOptions<View, Events>, 'intercept'>;

/** A Hono app served by @hono/node-server, whose handlers see Node's request and response. */
export type NodeHono = Hono<{ Bindings: HttpBindings }>;

/**
 * Makes `app` live on `server`, what @hono/node-server's `serve()` returned
 * for it: WebSocket upgrades on the server, and the SSE fallback and the
 * client script as Hono routes (so the app's middleware applies to them).
 * Call it before the server takes its first request: Hono builds its router then.
 */
export function live<View = unknown, Events extends EventMap = EventMap>(app: NodeHono, server: ServerType, options: LiveOptions<View, Events>): Attached {
  const attached = attach(server as HttpServer, { ...options, intercept: false });
  const { sse, script } = attached.routes;
  const handOver = async (c: Context<{ Bindings: HttpBindings }>) => {
    const { incoming, outgoing } = c.env;
    // A middleware before us that read the body drained Node's stream: take the text it read.
    attached.handle(incoming, outgoing, incoming.readableEnded ? await c.req.text() : undefined);
    return RESPONSE_ALREADY_SENT;
  };
  if (sse !== false) app.post(sse, handOver);
  if (script !== false) app.get(script, handOver);
  return attached;
}
