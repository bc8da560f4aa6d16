import { openInChromium, type ChromiumOptions } from './chromium-page.js';
import { openInJsdom } from './jsdom-page.js';
import type { BrowserKind, LivePage } from './live-page.js';

export interface OpenOptions extends ChromiumOptions {
  /** Default 'jsdom': in this process, no browser needed. */
  browser?: BrowserKind;
}

/**
 * Opens the StateTemplate page at `url` (your app's own route, on your own
 * server) as a browser would, runs its scripts, and resolves once it is live.
 */
export function openPage(url: string, options: OpenOptions = {}): Promise<LivePage> {
  return options.browser === 'chromium' ? openInChromium(url, options) : openInJsdom(url);
}
