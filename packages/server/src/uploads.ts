import { Readable } from 'node:stream';
import type { ChunkMessage, ServerMessage, UploadErrorCode, UploadFile, UploadMessage } from '@statetemplate/protocol';

/** What an upload name (`data-st-upload="avatar"`) allows. */
export interface UploadLimits {
  /** Largest file in bytes; default 8 MiB. */
  maxFileBytes?: number;
  /** MIME types (`image/png`), type families (`image/*`) or extensions (`.pdf`) accepted; default any. The browser's type is only a claim: check the bytes where it matters. */
  accept?: readonly string[];
  /** Most files one pick of the input may hold; default 1. */
  maxFiles?: number;
}

/** A file being uploaded, for the application's onUpload. */
export interface IncomingFile {
  /** The input's `data-st-upload` name. */
  readonly upload: string;
  /** The file's name on the user's machine (never a path to trust). */
  readonly name: string;
  /** Its MIME type as the browser claims it; may be empty. */
  readonly type: string;
  /** Its size in bytes, as declared; the stream never carries more. */
  readonly size: number;
  /** The bytes as they arrive; it fails with an UploadError when the upload is cancelled or its connection drops. */
  readonly stream: Readable;
}

/** Why an upload's stream failed. */
export class UploadError extends Error {
  override readonly name = 'UploadError';

  constructor(
    readonly code: 'cancelled' | 'disconnected',
    message: string,
  ) {
    super(message);
  }
}

/** Most files in progress on one connection at once. */
const MAX_ACTIVE = 16;
/** Bytes a file's stream buffers before the page is made to wait. */
const HIGH_WATER = 256 * 1024;

interface Active {
  file: IncomingFile;
  stream: Readable;
  received: number;
  /** The handler's work settled, successfully. */
  handled: boolean;
  /** A progress message waits for the stream's reader to take more. */
  owed: boolean;
}

/**
 * One connection's uploads. Files stream in chunks over the connection; each
 * chunk is acknowledged with `progress` once the application's stream has
 * room, so a slow consumer slows the page instead of filling memory.
 */
export class Uploads {
  readonly #active = new Map<number, Active>();
  /** Bytes of a file per chunk: what fits a client frame once in base64 and JSON. */
  readonly #chunk: number;

  constructor(
    private readonly limits: Readonly<Record<string, Required<UploadLimits>>>,
    private readonly handle: (file: IncomingFile) => void | Promise<void>,
    private readonly send: (message: ServerMessage) => void,
    /** A handler that threw, for the server's onError. */
    private readonly report: (error: unknown) => void,
    maxMessageBytes: number,
  ) {
    this.#chunk = Math.max(3, Math.floor((maxMessageBytes - 256) / 4) * 3);
  }

  /** Accepts or refuses each file of a pick; an accepted one goes to the handler at once. */
  start({ upload, files }: UploadMessage): void {
    const limits = Object.hasOwn(this.limits, upload) ? this.limits[upload] : undefined;
    for (const file of files) {
      if (limits === undefined) {
        this.#refuse(file.ref, 'upload_unknown', `no upload is named ${JSON.stringify(upload)}`);
        continue;
      }
      const refusal = this.#refusal(file, files.length, limits);
      if (refusal !== null) this.#refuse(file.ref, ...refusal);
      else this.#open(upload, file);
    }
  }

  /** The next bytes of a file. */
  chunk({ ref, data }: ChunkMessage): void {
    const active = this.#active.get(ref);
    if (active === undefined) return this.#refuse(ref, 'upload_unknown', `no file ${ref} is being uploaded`);
    const bytes = Buffer.from(data, 'base64');
    if (bytes.length > this.#chunk || active.received + bytes.length > active.file.size) {
      this.#drop(ref, active, new UploadError('cancelled', 'the page sent more than the file it declared'));
      return this.#refuse(ref, 'upload_too_large', `file ${ref} is bigger than it was declared (${active.file.size} bytes)`);
    }
    active.received += bytes.length;
    const room = active.stream.push(bytes);
    if (active.received === active.file.size) active.stream.push(null);
    if (room) this.#progress(ref, active);
    else active.owed = true;
  }

  /** The page stopped a file: its stream fails with UploadError('cancelled'). */
  cancel(ref: number): void {
    const active = this.#active.get(ref);
    if (active) this.#drop(ref, active, new UploadError('cancelled', 'the page cancelled the upload'));
  }

  /** The connection is gone: every unfinished file's stream fails with UploadError('disconnected'). */
  closed(): void {
    for (const [ref, active] of this.#active) this.#drop(ref, active, new UploadError('disconnected', 'the connection closed before the file was complete'));
  }

  #refusal(file: UploadFile, count: number, limits: Required<UploadLimits>): [UploadErrorCode, string] | null {
    if (count > limits.maxFiles || this.#active.size >= MAX_ACTIVE) return ['upload_too_many_files', `at most ${Math.min(limits.maxFiles, MAX_ACTIVE)} files at once`];
    if (file.size > limits.maxFileBytes) return ['upload_too_large', `${file.name} has ${file.size} bytes, over the ${limits.maxFileBytes} allowed`];
    if (!accepts(limits.accept, file)) return ['upload_not_accepted', `${file.name} is not one of ${limits.accept.join(', ')}`];
    if (this.#active.has(file.ref)) return ['upload_unknown', `file ${file.ref} is already being uploaded`];
    return null;
  }

  #open(upload: string, { ref, name, type, size }: UploadFile): void {
    const stream = new Readable({
      highWaterMark: HIGH_WATER,
      read: () => {
        const active = this.#active.get(ref);
        if (active?.owed) this.#progress(ref, active);
      },
    });
    // The application hears of a failure through its own reading; unheard, it must not crash the process.
    stream.on('error', () => undefined);
    const file: IncomingFile = { upload, name, type, size, stream };
    const active: Active = { file, stream, received: 0, handled: false, owed: false };
    this.#active.set(ref, active);
    if (size === 0) stream.push(null);
    this.send({ type: 'progress', ref, bytes: 0, chunk: this.#chunk });
    Promise.resolve()
      .then(() => this.handle(file))
      .then(
        () => {
          active.handled = true;
          // A handler done before the last byte wants no more: the rest is read and dropped.
          stream.resume();
          this.#finish(ref, active);
        },
        (error: unknown) => {
          if (this.#active.get(ref) !== active) return;
          this.#drop(ref, active, error);
          this.report(error);
          this.#refuse(ref, 'upload_failed', `the handler of ${name} failed`);
        },
      );
  }

  #progress(ref: number, active: Active): void {
    active.owed = false;
    this.send({ type: 'progress', ref, bytes: active.received });
    this.#finish(ref, active);
  }

  /** Uploaded once every byte came and the handler is done with them. */
  #finish(ref: number, active: Active): void {
    if (!active.handled || active.received < active.file.size || this.#active.get(ref) !== active) return;
    this.#active.delete(ref);
    this.send({ type: 'uploaded', ref });
  }

  #drop(ref: number, active: Active, error: unknown): void {
    this.#active.delete(ref);
    active.stream.destroy(error instanceof Error ? error : new Error(String(error)));
  }

  #refuse(ref: number, code: UploadErrorCode, message: string): void {
    this.send({ type: 'error', code, message, ref });
  }
}

/** Whether `accept` lists the file's type, its type family, or its extension. */
function accepts(accept: readonly string[], { name, type }: UploadFile): boolean {
  if (accept.length === 0) return true;
  const lower = name.toLowerCase();
  return accept.some((entry) => {
    const rule = entry.toLowerCase();
    if (rule.startsWith('.')) return lower.endsWith(rule);
    if (rule.endsWith('/*')) return type.toLowerCase().startsWith(rule.slice(0, -1));
    return type.toLowerCase() === rule;
  });
}
