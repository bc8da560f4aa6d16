import type { IncomingMessage } from 'node:http';

/**
 * Whether a browser page of this request's Origin may connect (the defence
 * against cross-site WebSocket hijacking). Browsers always send Origin on
 * upgrades and POSTs; without one the peer is not a browser and could claim
 * any origin anyway, so it passes.
 */
export function originAllowed(request: IncomingMessage, allowed: readonly string[] | undefined): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowed !== undefined) return allowed.includes(origin);
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
