/**
 * Where StateTemplate's packages say what happened: pino's shape, so a pino
 * logger (Fastify's `fastify.log` included) is one as it is. Each method
 * takes the fields first and a constant message second, as pino does.
 * `debug` is optional: what it would hear is not said without it.
 */
export interface Logger {
  debug?(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** `value` if it is a Logger; TypeError otherwise, naming the missing method. */
export function checkLogger(value: Logger): Logger {
  for (const level of ['info', 'warn', 'error'] as const) {
    if (typeof value?.[level] !== 'function') throw new TypeError(`logger.${level} must be a function (a pino logger, or an object with info, warn and error)`);
  }
  return value;
}
