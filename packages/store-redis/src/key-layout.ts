/**
 * Where a store keeps things, all under one prefix:
 * - `<prefix>session:<id>`  hash {version, createdAt, expiresAt, data (JSON)}, with a PEXPIRE TTL
 * - `<prefix>expiry`        sorted set of ids scored by expiresAt (for getExpired and count)
 * - `<prefix>updates:<id>`  pub/sub channel of the session's messages
 */
export interface KeyLayout {
  session(id: string): string;
  readonly expiry: string;
  updates(id: string): string;
}

export const defaultPrefix = 'statetemplate:';

export function keyLayout(prefix: string): KeyLayout {
  return {
    session: (id) => `${prefix}session:${id}`,
    expiry: `${prefix}expiry`,
    updates: (id) => `${prefix}updates:${id}`,
  };
}
