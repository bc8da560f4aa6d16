import type { Logger } from '@statetemplate/store';
import type { ConnectionContext } from './options.js';
import { OriginRefusedError } from './origin-refused-error.js';

/** Which connection a log line is about. */
export function about(ctx: ConnectionContext): { connection: string; transport: ConnectionContext['transport']; remote: string | undefined } {
  return { connection: ctx.id, transport: ctx.transport, remote: ctx.request.socket.remoteAddress };
}

type OnError = (error: unknown, ctx: ConnectionContext) => void;

/**
 * What becomes of an error of a connection: the logger logs it (a refused
 * origin as a warning), then the application's onError hears it. With
 * neither, a process warning, as before loggers.
 */
export function errorReporter(onError: OnError | undefined, logger: Logger | undefined): OnError {
  if (logger === undefined) return onError ?? warn;
  return (error, ctx) => {
    if (error instanceof OriginRefusedError) logger.warn({ ...about(ctx), origin: ctx.request.headers.origin, err: error }, 'statetemplate: origin refused');
    else logger.error({ ...about(ctx), err: error }, 'statetemplate: a hook or the session store failed');
    onError?.(error, ctx);
  };
}

function warn(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : String(error), 'StateTemplateServerError');
}
