import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectOptions, EventError } from '@statetemplate/client';
import { UploadError, type AttachOptions, type IncomingFile } from '../src/index.js';
import { livePeer, start, within, type Harness } from './harness.js';
import { openPage, Signal } from './jsdom-page.js';

let h: Harness;
afterEach(() => h?.close());

const FORM = '<input type="file" id="file" data-st-upload="avatar" multiple><button id="stop" data-st-upload-cancel="avatar">Cancel</button>';

/** Bytes that differ at every offset, so a chunk out of order or lost shows. */
function bytes(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7 + (i >> 8)) & 0xff;
  return out;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A harness with uploads, a jsdom page holding FORM, and what the handler and the page saw. */
async function uploading(options: Partial<AttachOptions> = {}, handle?: (file: IncomingFile) => Promise<void>, client: (h: Harness) => Partial<ConnectOptions> = () => ({})) {
  const received: { name: string; type: string; size: number; data: Buffer }[] = [];
  const failures: unknown[] = [];
  const signal = new Signal();
  h = await start({
    uploads: { avatar: { maxFileBytes: 1_000_000, maxFiles: 3 } },
    onUpload: async (_, file) => {
      if (handle) return handle(file);
      received.push({ name: file.name, type: file.type, size: file.size, data: await readAll(file.stream) });
      signal.notify();
    },
    onError: (error) => {
      failures.push(error);
      signal.notify();
    },
    maxMessageBytes: 4096,
    ...options,
  }, {}, FORM);
  const errors: EventError[] = [];
  const b = await openPage(h, {}, { onEventError: (error) => void errors.push(error), ...client(h) });
  await b.signal.until(() => b.statuses.includes(true), 'online');
  const input = b.window.document.getElementById('file') as HTMLInputElement;
  const events: string[] = [];
  for (const type of ['st:upload-progress', 'st:upload-done']) {
    input.addEventListener(type, (event) => {
      const { name, loaded, total } = (event as CustomEvent).detail;
      events.push(`${type.slice(10)} ${name} ${loaded}/${total}`);
    });
  }
  /** Picks files in the input, as a user would. */
  const pick = (...files: File[]) => {
    Object.defineProperty(input, 'files', { value: files, configurable: true });
    input.dispatchEvent(new b.window.Event('change', { bubbles: true }));
  };
  const file = (size: number, name = 'me.png', type = 'image/png') => new b.window.File([bytes(size)], name, { type });
  return { ...b, received, failures, errors, events, input, pick, file, handled: signal };
}

describe('uploads (jsdom against a real server)', () => {
  it('streams files in chunks over the connection, with progress, to onUpload', async () => {
    const u = await uploading();
    u.pick(u.file(20_000), u.file(0, 'empty.txt', 'text/plain'));
    await u.handled.until(() => u.received.length === 2, 'both files');
    await u.signal.until(() => u.events.filter((e) => e.startsWith('done')).length === 2, 'both done');
    const big = u.received.find((f) => f.name === 'me.png')!;
    expect([big.type, big.size, Buffer.compare(big.data, Buffer.from(bytes(20_000)))]).toEqual(['image/png', 20_000, 0]);
    expect(u.received.find((f) => f.name === 'empty.txt')!.data.length).toBe(0);
    // 4 KiB frames hold 3,006 bytes of a file each: seven chunks, progress for each.
    const progress = u.events.filter((e) => e.startsWith('progress me.png'));
    expect(progress.at(-1)).toBe('progress me.png 20000/20000');
    expect(progress.length).toBeGreaterThanOrEqual(8);
    expect(u.input.hasAttribute('class') || u.input.hasAttribute('data-st-progress')).toBe(false);
    expect(u.errors).toEqual([]);
  });

  it('streams files over the SSE transport too', async () => {
    const u = await uploading({}, undefined, (at) => ({ transport: 'sse', url: `${at.origin}/statetemplate/sse`, fetch }));
    u.pick(u.file(10_000));
    await u.handled.until(() => u.received.length === 1, 'the file');
    expect(Buffer.compare(u.received[0]!.data, Buffer.from(bytes(10_000)))).toBe(0);
  });

  it('refuses, with typed errors, files over maxFileBytes, of types accept does not list, and picks over maxFiles', async () => {
    const u = await uploading({ uploads: { avatar: { maxFileBytes: 1_000, maxFiles: 2, accept: ['image/*', '.pdf'] } } });
    u.pick(u.file(1_001), u.file(10, 'notes.txt', 'text/plain'), u.file(10, 'paper.PDF', ''));
    await u.signal.until(() => u.errors.length === 3, 'the refusals');
    expect(u.errors.map((e) => e.code).sort()).toEqual(['upload_too_many_files', 'upload_too_many_files', 'upload_too_many_files']);
    u.pick(u.file(1_001), u.file(10, 'notes.txt', 'text/plain'));
    await u.signal.until(() => u.errors.length === 5, 'the next refusals');
    expect(u.errors.slice(3).map((e) => [e.code, e.name])).toEqual([['upload_too_large', 'avatar'], ['upload_not_accepted', 'avatar']]);
    u.pick(u.file(10, 'paper.PDF', ''));
    await u.handled.until(() => u.received.length === 1, 'the accepted file');
    expect(u.input.classList.contains('st-error')).toBe(false);
    expect(u.received.map((f) => f.name)).toEqual(['paper.PDF']);
  });

  it('cancels a file mid-upload: its stream fails with UploadError cancelled', async () => {
    const failed: unknown[] = [];
    const signal = new Signal();
    const u = await uploading({}, async (file) => {
      // Reads nothing until cancelled: the server stops acknowledging once its buffer is full.
      await new Promise((_, reject) => file.stream.once('error', reject)).catch((error: unknown) => failed.push(error));
      signal.notify();
    });
    u.pick(u.file(600_000));
    await u.signal.until(() => u.events.some((e) => e.startsWith('progress') && !e.endsWith(' 0/600000')), 'some bytes sent');
    u.window.document.getElementById('stop')!.dispatchEvent(new u.window.MouseEvent('click', { bubbles: true }));
    await signal.until(() => failed.length === 1, 'the cancel');
    expect(failed[0]).toBeInstanceOf(UploadError);
    expect((failed[0] as UploadError).code).toBe('cancelled');
    expect(u.input.hasAttribute('data-st-progress')).toBe(false);
  });

  it('fails the stream with UploadError disconnected when the connection is cut mid-upload, and tells the page', async () => {
    const failed: unknown[] = [];
    const sockets: Socket[] = [];
    const signal = new Signal();
    const u = await uploading({ onConnect: (_, ctx) => void sockets.push(ctx.request.socket) }, async (file) => {
      await new Promise((_, reject) => file.stream.once('error', reject)).catch((error: unknown) => failed.push(error));
      signal.notify();
    });
    u.pick(u.file(600_000));
    await u.signal.until(() => u.events.some((e) => e.startsWith('progress') && !e.endsWith(' 0/600000')), 'some bytes sent');
    sockets[0]!.destroy();
    await signal.until(() => failed.length === 1, 'the stream to fail');
    expect((failed[0] as UploadError).code).toBe('disconnected');
    await u.signal.until(() => u.errors.length === 1, 'the page to hear');
    expect(u.errors[0]!.code).toBe('disconnected');
  });

  it('reports a handler that throws as upload_failed, and to onError', async () => {
    const u = await uploading({}, async () => {
      throw new Error('disk full');
    });
    u.pick(u.file(10));
    await u.signal.until(() => u.errors.length === 1, 'the failure');
    expect(u.errors[0]!.code).toBe('upload_failed');
    expect((u.failures[0] as Error).message).toBe('disk full');
  });
});

describe('upload frames from a misbehaving page', () => {
  it('refuses unknown uploads and files, more bytes than declared, and oversized chunks, and stays up', async () => {
    h = await start({ uploads: { avatar: { maxFileBytes: 100 } }, onUpload: (_, file) => void file.stream.resume(), maxMessageBytes: 1024 });
    const { peer } = await livePeer(h);
    peer.send({ type: 'upload', upload: 'other', files: [{ ref: 1, name: 'x', size: 1, type: '' }] });
    expect(await peer.expect('error')).toMatchObject({ code: 'upload_unknown', ref: 1 });
    peer.send({ type: 'chunk', ref: 9, data: 'AA==' });
    expect(await peer.expect('error')).toMatchObject({ code: 'upload_unknown', ref: 9 });
    peer.send({ type: 'upload', upload: 'avatar', files: [{ ref: 2, name: 'x', size: 2, type: '' }] });
    expect(await peer.expect('progress')).toEqual({ type: 'progress', ref: 2, bytes: 0, chunk: 576 });
    peer.send({ type: 'chunk', ref: 2, data: Buffer.from('abc').toString('base64') });
    expect(await peer.expect('error')).toMatchObject({ code: 'upload_too_large', ref: 2 });
    peer.send({ type: 'upload', upload: 'avatar', files: [{ ref: 3, name: 'y', size: 100, type: '' }] });
    await peer.expect('progress');
    peer.send({ type: 'chunk', ref: 3, data: Buffer.alloc(577).toString('base64').slice(0, 772) });
    await within(peer.expect('error'), 'a refusal');
    peer.send({ type: 'upload', upload: 'avatar', files: [{ ref: 4, name: 'z', size: 1, type: '' }] });
    await peer.expect('progress');
    peer.send({ type: 'chunk', ref: 4, data: 'AA==' });
    expect(await peer.expect('progress')).toEqual({ type: 'progress', ref: 4, bytes: 1 });
    expect(await peer.expect('uploaded')).toEqual({ type: 'uploaded', ref: 4 });
  });

  it('refuses uploads without an onUpload, and limits that are not whole numbers', async () => {
    await expect(start({ uploads: { avatar: {} } })).rejects.toThrow(/need an onUpload/);
    await expect(start({ uploads: { avatar: { maxFiles: 0 } }, onUpload: () => undefined })).rejects.toBeInstanceOf(RangeError);
    await expect(start({ uploads: { avatar: { maxFileBytes: 1.5 } }, onUpload: () => undefined })).rejects.toBeInstanceOf(RangeError);
  });
});
