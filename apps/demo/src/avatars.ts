import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingFile, UploadLimits } from '@statetemplate/server';

/** The demo's one upload: a visitor's picture. */
export const AVATAR_LIMITS: UploadLimits = { maxFileBytes: 2 * 1024 * 1024, accept: ['image/*'], maxFiles: 1 };

/** What the page says about a saved picture. */
export type Avatar = { name: string; size: number };

/** The default folder: the system's temporary one, as the demo keeps nothing for good. */
export const AVATAR_FOLDER = join(tmpdir(), 'statetemplate-demo-uploads');

/**
 * Saves uploaded pictures in a folder under names of its own (never the
 * user's file name), and removes what an upload left half-written when it
 * was cancelled or its connection dropped.
 */
export class Avatars {
  private constructor(readonly folder: string) {}

  static async open(folder = AVATAR_FOLDER): Promise<Avatars> {
    await mkdir(folder, { recursive: true });
    return new Avatars(folder);
  }

  /** Writes the file's bytes as they arrive; resolves to what the page shows once they all landed. */
  async save(sessionId: string, file: IncomingFile): Promise<Avatar> {
    const path = join(this.folder, `${sessionId}-${randomBytes(6).toString('hex')}`);
    try {
      await pipeline(file.stream, createWriteStream(path, { flags: 'wx' }));
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    return { name: file.name, size: file.size };
  }
}
