import { isSitePath, type JsonValue } from '@statetemplate/protocol';

/**
 * What a session tells its live pages besides updates: an event for the
 * page's scripts, a new URL for the address bar, or another page to load.
 */
export type PageCommand =
  | { command: 'event'; name: string; payload: JsonValue }
  | { command: 'navigate'; url: string; replace: boolean }
  | { command: 'redirect'; url: string };

/** A command as an update stream delivers it: after the update numbered `after`, before any later one. */
export type SessionCommand = PageCommand & { after: number };

/** What an update stream delivers: updates, and commands where they were given. */
export type StreamItem<U> = U | SessionCommand;

export function isCommand(item: object): item is SessionCommand {
  return 'command' in item;
}

/** An event's name and payload as a command; TypeError for a payload JSON cannot carry as it is. */
export function eventCommand(name: string, payload: JsonValue): PageCommand {
  if (typeof name !== 'string' || name === '') throw new TypeError('an event name must be a non-empty string');
  if (!isJson(payload)) throw new TypeError(`the payload of event ${JSON.stringify(name)} is not JSON: plain objects, arrays, strings, finite numbers, booleans and null only`);
  return { command: 'event', name, payload };
}

/** A URL of this site (a path from its root) for the address bar: pushState refuses any other origin. */
export function navigateCommand(url: string, replace: boolean): PageCommand {
  if (!isSitePath(url)) throw new TypeError(`navigate takes a path of this site ("/todos?filter=done"), not ${JSON.stringify(url)}`);
  return { command: 'navigate', url, replace };
}

/** A path of this site or an http(s) URL: never `javascript:` or other schemes a page would run. */
export function redirectCommand(url: string): PageCommand {
  if (!isSitePath(url) && !/^https?:\/\/[^/\\]/i.test(String(url))) throw new TypeError(`redirect takes a path or an http(s) URL, not ${JSON.stringify(url)}`);
  return { command: 'redirect', url };
}

function isJson(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth > 64) return false;
  if (Array.isArray(value)) return value.every((v) => isJson(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.values(value).every((v) => isJson(v, depth + 1));
}
