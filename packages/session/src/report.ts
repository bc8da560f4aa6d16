import type { Logger } from '@statetemplate/store';

/**
 * How a failure nobody awaits is told: to the logger when there is one, else
 * as the process warning named `warning` (what it was before loggers).
 */
export function reporter(logger: Logger | undefined, warning: string, message: string): (error: unknown) => void {
  if (logger !== undefined) return (error) => logger.error({ err: error }, message);
  return (error) => process.emitWarning(error instanceof Error ? error : String(error), warning);
}
