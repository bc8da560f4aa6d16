import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Debian's chromium; playwright-core drives it instead of downloading a browser of its own. */
export const chromiumPath = '/usr/bin/chromium';

// Headless on a build machine: no sandbox (root), no GPU, and nothing that
// phones home, so a test only ever talks to 127.0.0.1.
const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether Debian's chromium is installed; pass to requireResource. */
export function chromiumAvailable(): boolean {
  return existsSync(chromiumPath);
}

/**
 * Launches a headless Chromium through playwright-core. Each launch gets a
 * fresh temporary profile (playwright's default), removed on `close()`.
 */
export async function launchChromium(): Promise<Browser> {
  // Imported on demand so that tests not needing a browser never load playwright.
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath, args, headless: true });
}
