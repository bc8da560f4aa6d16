// Imported before liveviewjs by every module that imports it: liveviewjs
// fetches a MIME database from a CDN when it loads (for uploads only). The
// benchmark stays on this machine, so that fetch is refused at once, with a
// one-line message instead of a stack trace.
const realFetch = globalThis.fetch;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (LOOPBACK.has(url.hostname)) return realFetch(input, init);
  return Promise.reject(`bench: no network, skipped LiveViewJS's fetch of ${url.hostname} (it only serves uploads)`);
};
