import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * Why a browser page of this request's Origin may not connect, or null when
 * it may (the defence against cross-site WebSocket hijacking and DNS
 * rebinding). Browsers always send Origin on upgrades and POSTs; without one
 * the peer is not a browser and could claim any origin anyway, so it passes.
 *
 * With `allowed`, the Origin must be one of them exactly. Without, it must be
 * this server's own `scheme://host[:port]`, exactly as a browser writes it:
 * the connection's scheme (https over TLS, else http) and the Host header's
 * host and port. On a loopback address the host must be a loopback name or
 * address too: a rebound name (evil.example resolving to 127.0.0.1) sends a
 * matching Host. Behind a proxy that ends TLS, list the public origins.
 */
export function originRefusal(request: IncomingMessage, allowed: readonly string[] | undefined): string | null {
  const origin = request.headers.origin;
  if (origin === undefined) return null;
  if (allowed !== undefined) return allowed.includes(origin) ? null : `origin ${origin} is not in allowedOrigins`;
  const scheme = schemeOf(request);
  const own = parse(`${scheme}//${request.headers.host ?? ''}`);
  const page = parse(origin);
  if (own === null || page === null || page.origin !== origin || page.protocol !== scheme || page.host !== own.host) {
    return `origin ${origin} is not this server's (${scheme}//${request.headers.host ?? ''}); list other origins in allowedOrigins`;
  }
  if (isLoopback(request.socket.localAddress ?? '') && !isLoopbackHost(page.hostname)) {
    return `origin ${origin} names a loopback server by another name (DNS rebinding?); list it in allowedOrigins if it is yours`;
  }
  return null;
}

/** The origin of the page on the other end: its Origin header (already checked), else this server's own. */
export function pageOrigin(request: IncomingMessage): string {
  return request.headers.origin ?? `${schemeOf(request)}//${request.headers.host ?? 'localhost'}`;
}

function schemeOf(request: IncomingMessage): 'https:' | 'http:' {
  return (request.socket as TLSSocket).encrypted ? 'https:' : 'http:';
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function isLoopback(address: string): boolean {
  return address === '::1' || /^(?:::ffff:)?127\./.test(address);
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}
