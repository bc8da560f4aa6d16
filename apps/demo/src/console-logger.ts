import type { Logger } from '@statetemplate/session';

/** StateTemplate's log lines on the console, one each: `[statetemplate] warn message {fields}`. Debug lines are left out. */
export const consoleLogger: Logger = {
  info: (fields, message) => console.log(line('info', fields, message)),
  warn: (fields, message) => console.warn(line('warn', fields, message)),
  error: (fields, message) => console.error(line('error', fields, message)),
};

function line(level: string, fields: Record<string, unknown>, message: string): string {
  // An Error has no enumerable fields: JSON would show `{}`.
  const text = JSON.stringify(fields, (_, value: unknown) => (value instanceof Error ? `${value.name}: ${value.message}` : value));
  return `[statetemplate] ${level} ${message.replace(/^statetemplate: /, '')} ${text}`;
}
