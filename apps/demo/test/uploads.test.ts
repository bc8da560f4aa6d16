import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { needs } from '@statetemplate/test-utils';
import { chromium, expectFreshRender, newVisitorContext, openLivePage, useDemo, WAIT_MS } from './support/harness.js';
import { cuttableSocket } from './support/cuttable-socket.js';

const folder = await mkdtemp(join(tmpdir(), 'statetemplate-demo-test-uploads-'));
/** Real files on disk for Chromium to pick. */
const files = await mkdtemp(join(tmpdir(), 'statetemplate-demo-test-files-'));

async function realFile(name: string, size: number): Promise<{ path: string; bytes: Buffer }> {
  const bytes = randomBytes(size);
  const path = join(files, name);
  await writeFile(path, bytes);
  return { path, bytes };
}

/** Waits until the upload folder holds `count` files: the server writes and removes them on its own time. */
async function folderHolds(count: number): Promise<string[]> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const names = await readdir(folder);
    if (names.length === count) return names;
    if (Date.now() > deadline) throw new Error(`the upload folder holds ${names.length} files, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('uploads in Chromium: a picture saved to a folder', needs(chromium), () => {
  const harness = useDemo({ uploadFolder: folder });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
    await rm(files, { recursive: true, force: true });
  });

  it('streams a real file in chunks to the folder, and the page says so', async () => {
    const context = await newVisitorContext(harness.browser);
    const live = await openLivePage(harness, context);
    const picture = await realFile('holiday.png', 300_000);
    const progress = live.page.evaluate(
      () => new Promise<number>((resolve) => {
        let events = 0;
        document.addEventListener('st:upload-progress', () => events++);
        document.addEventListener('st:upload-done', () => resolve(events));
      }),
    );
    await live.page.setInputFiles('#avatar', picture.path);
    await live.page.locator('.avatar-saved', { hasText: 'Saved holiday.png (300000 bytes).' }).waitFor({ timeout: WAIT_MS });
    expect(await progress).toBeGreaterThan(3);
    const [saved] = await folderHolds(1);
    expect((await readFile(join(folder, saved!))).equals(picture.bytes)).toBe(true);
    expect(saved!.startsWith(live.sessionId)).toBe(true);
    await expectFreshRender(harness, live);
    await rm(join(folder, saved!));
    await context.close();
  });

  it('refuses a file over the limit, or not a picture: the input shows the error, nothing is saved', async () => {
    const context = await newVisitorContext(harness.browser);
    const live = await openLivePage(harness, context);
    // The client's default report: the st-error class and a console warning naming the code.
    const warned = (code: string) => live.page.waitForEvent('console', { predicate: (message) => message.text().includes(code), timeout: WAIT_MS });
    const tooLarge = warned('upload_too_large');
    await live.page.setInputFiles('#avatar', (await realFile('huge.png', 3 * 1024 * 1024)).path);
    await tooLarge;
    const notAccepted = warned('upload_not_accepted');
    await live.page.setInputFiles('#avatar', (await realFile('notes.txt', 10)).path);
    await notAccepted;
    expect(await live.page.getAttribute('#avatar', 'class')).toBe('st-error');
    await folderHolds(0);
    await context.close();
  });

  it('drops the half-written file when the connection is cut mid-upload, and uploads again once back', async () => {
    const context = await newVisitorContext(harness.browser);
    let cutting = true;
    // Cut as the first bytes are acknowledged: the page cannot be more than two chunks ahead of the server.
    const socket = await cuttableSocket(context, (type, frame) => cutting && type === 'progress' && !frame.includes('"bytes":0'));
    const live = await openLivePage(harness, context);
    const picture = await realFile('big.png', 1_500_000);
    await live.page.setInputFiles('#avatar', picture.path);
    await live.page.locator('#avatar.st-error').waitFor({ timeout: WAIT_MS });
    await folderHolds(0);
    cutting = false;
    await socket.restore();
    await live.page.locator('#connection[data-state="live"]').waitFor({ timeout: WAIT_MS });
    await live.page.setInputFiles('#avatar', picture.path);
    await live.page.locator('.avatar-saved', { hasText: 'Saved big.png (1500000 bytes).' }).waitFor({ timeout: WAIT_MS });
    const [saved] = await folderHolds(1);
    expect((await readFile(join(folder, saved!))).equals(picture.bytes)).toBe(true);
    await rm(join(folder, saved!));
    await context.close();
  });
});
