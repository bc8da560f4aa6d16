export { openPage, type OpenOptions } from './open-page.js';
export { mount, pageDocument, type Mounted, type MountOptions } from './mount.js';
export type { BrowserKind, LivePage } from './live-page.js';
export type { ChromiumOptions } from './chromium-page.js';
