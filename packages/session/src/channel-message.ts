import { ACTIONS, isAttributeChanges, type Action } from '@statetemplate/protocol';
import type { SessionCommand } from './session-command.js';
import { copy } from './session-data.js';
import type { SessionUpdate } from './session-update.js';

/** Why a session's update streams end. */
export type EndReason = 'closed' | 'expired';

/** What travels on a session's channel: a render's updates, a command for the pages, or the end of the session. */
export type ChannelMessage = { updates: SessionUpdate[] } | { command: SessionCommand } | { end: EndReason };

/**
 * The message this process encoded last. A store in this process (the memory
 * store) hands the very same text to subscribers, which then take copies of
 * its updates instead of parsing the text again; equal text means an equal message.
 */
let recent: { text: string; message: ChannelMessage } | null = null;

export function encodeMessage(message: ChannelMessage): string {
  const text = JSON.stringify(message);
  recent = { text, message };
  return text;
}

/** The message, or null for anything that is not one of ours (never throws). */
export function decodeMessage(text: string): ChannelMessage | null {
  if (recent?.text === text) {
    const { message } = recent;
    // Each decode owns its updates, as a parse would give: the encoded ones may belong to a stored log.
    return 'updates' in message ? { updates: message.updates.map(copy) } : message;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { updates, command, end } = parsed as Record<string, unknown>;
  if (end === 'closed' || end === 'expired') return { end };
  if (Array.isArray(updates) && updates.length > 0 && updates.every(isSessionUpdate)) return { updates };
  if (isSessionCommand(command)) return { command };
  return null;
}

function isSessionCommand(value: unknown): value is SessionCommand {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  if (!Number.isSafeInteger(c['after'])) return false;
  if (c['command'] === 'event') return typeof c['name'] === 'string' && 'payload' in c;
  if (c['command'] === 'navigate') return typeof c['url'] === 'string' && typeof c['replace'] === 'boolean';
  return c['command'] === 'redirect' && typeof c['url'] === 'string';
}

function isSessionUpdate(value: unknown): value is SessionUpdate {
  if (typeof value !== 'object' || value === null) return false;
  const u = value as Record<string, unknown>;
  return (
    typeof u['fragment_id'] === 'string' &&
    typeof u['html'] === 'string' &&
    ACTIONS.includes(u['action'] as Action) &&
    typeof u['timestamp'] === 'number' &&
    Number.isSafeInteger(u['seq']) &&
    (u['ref'] === undefined || typeof u['ref'] === 'string') &&
    (u['action'] === 'attrs' ? isAttributeChanges(u['attrs']) : u['attrs'] === undefined)
  );
}
