import type { Logger } from '@statetemplate/store';
import { HANG_GUARD_MS } from './timeouts.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  level: LogLevel;
  fields: Record<string, unknown>;
  message: string;
}

/** A Logger that keeps every line, for tests to read or to wait for. */
export interface RecordingLogger extends Required<Logger> {
  readonly lines: LogLine[];
  /** The lines with this message. */
  said(message: string): LogLine[];
  /** Resolves with the first line (past or to come) with this message, or fails after the hang guard. */
  heard(message: string): Promise<LogLine>;
}

export function recordingLogger(): RecordingLogger {
  const lines: LogLine[] = [];
  const waiting = new Set<{ message: string; resolve: (line: LogLine) => void }>();
  const log = (level: LogLevel) => (fields: Record<string, unknown>, message: string) => {
    const line = { level, fields, message };
    lines.push(line);
    for (const waiter of waiting) {
      if (waiter.message !== message) continue;
      waiting.delete(waiter);
      waiter.resolve(line);
    }
  };
  return {
    lines,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    said: (message) => lines.filter((line) => line.message === message),
    heard(message) {
      const known = lines.find((line) => line.message === message);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve, reject) => {
        const waiter = {
          message,
          resolve: (line: LogLine) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        const timer = setTimeout(() => {
          waiting.delete(waiter);
          reject(new Error(`no log line ${JSON.stringify(message)} within ${HANG_GUARD_MS} ms; heard ${JSON.stringify(lines.map((l) => l.message))}`));
        }, HANG_GUARD_MS);
        waiting.add(waiter);
      });
    },
  };
}
