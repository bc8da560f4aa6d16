import { attach, type AttachOptions, type Attached, type EventMap } from '@statetemplate/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import plugin from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The live transport the @statetemplate/fastify plugin attached. */
    statetemplate: Attached;
  }
}

/** attach()'s options; the plugin routes the SSE and script paths itself. `logger` defaults to the StateTemplate's, else Fastify's. */
export type LiveOptions<View = unknown, Events extends EventMap = EventMap> = Omit<AttachOptions<View, Events>, 'intercept'>;

/**
 * Attaches the live transport to `fastify.server`, routes the SSE fallback
 * and the client script through Fastify (so its hooks and plugins apply to
 * them: auth, rate limits, logging), closes the transport with Fastify, and
 * logs to Fastify's logger (pino) unless given another or the StateTemplate has one.
 */
async function register(fastify: FastifyInstance, options: LiveOptions): Promise<void> {
  const logger = options.logger ?? options.stateTemplate.logger ?? fastify.log;
  const attached = attach(fastify.server, { ...options, logger, intercept: false });
  fastify.decorate('statetemplate', attached);
  // preClose, not onClose: Fastify waits for open requests before onClose, and an event stream never ends by itself.
  fastify.addHook('preClose', async () => attached.close());
  const { sse, script } = attached.routes;
  // The hijacked reply is the transport's: an event stream stays open, a script is served as it is.
  const handOver = (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    attached.handle(request.raw, reply.raw, request.body as string | undefined);
  };
  await fastify.register(async (routes) => {
    // The body as text, whatever its type: the transport checks the type and the size itself.
    routes.removeAllContentTypeParsers();
    routes.addContentTypeParser('*', { parseAs: 'string' }, (_, body, done) => done(null, body));
    if (sse !== false) routes.post(sse, handOver);
    if (script !== false) routes.get(script, handOver);
  });
}

/**
 * The Fastify plugin: `fastify.register(live, { stateTemplate, onEvent, … })`,
 * or `live<View, Events>` to type the hooks' sessions and event payloads.
 */
export const live = plugin(register, { fastify: '5.x', name: '@statetemplate/fastify' }) as <View = unknown, Events extends EventMap = EventMap>(
  fastify: FastifyInstance,
  // The options' types are the application's: inside, the plugin takes any data and payloads.
  options: LiveOptions<View, Events>,
) => Promise<void>;
