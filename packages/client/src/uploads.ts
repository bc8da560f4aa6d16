import type { ClientMessage, ProgressMessage } from '@statetemplate/protocol';
import { unmark, type EventError } from './pending-events.js';

interface Active {
  upload: string;
  file: File;
  input: Element;
  /** Bytes read for sending so far. */
  sent: number;
  /** Chunks sent and not yet acknowledged. */
  inflight: number;
  /** Bytes per chunk, from the server's acceptance. */
  chunk: number;
  /** Sends in file order, however the reads finish. */
  queue: Promise<void>;
  /** The input had no class attribute before: it gets none back. */
  classless: boolean;
}

/** Chunks in flight per file: one on the wire while the next is read. */
const WINDOW = 2;
const UPLOADING = 'st-upload-progress';

/** What connect() tells the uploads of the server's answers and the connection's loss. */
export interface Uploads {
  /** The server holds `bytes` of a file: report, and send what the window allows. */
  progress(message: ProgressMessage): void;
  /** The server's onUpload is done with the file. */
  done(ref: number): void;
  /** The server refused or lost the file, or the connection did (`ref` undefined: every file). */
  failed(ref: number | undefined, error: { code: string; message: string }): void;
  /** Removes the listeners. */
  stop(): void;
}

/**
 * Uploads. The files picked in `<input type="file" data-st-upload="NAME">`
 * go to the server in chunks over the live connection, each sent once the
 * server acknowledged all but one before it. While they go the input has
 * the `st-upload-progress` class and `data-st-progress` (0 to 100), and
 * fires `st:upload-progress` and `st:upload-done` (bubbling; detail:
 * `{ upload, name, loaded, total }`). A click on `[data-st-upload-cancel="NAME"]`
 * cancels them. A refusal, failure or lost connection goes to `fail`. Once
 * its files are done, the input is emptied, so picking them again uploads again.
 */
export function liveUploads(root: Element, send: (message: ClientMessage) => void, fail: (error: EventError, element: Element) => void): Uploads {
  let next = 1;
  /** The files on their way, by ref. */
  const uploading = new Map<number, Active>();

  const start = (input: HTMLInputElement) => {
    const upload = input.getAttribute('data-st-upload')!;
    const files = Array.from(input.files ?? [], (file) => {
      const ref = next++;
      uploading.set(ref, { upload, file, input, sent: 0, inflight: 0, chunk: 0, queue: Promise.resolve(), classless: !input.hasAttribute('class') });
      return { ref, name: file.name, size: file.size, type: file.type };
    });
    if (files.length === 0) return;
    input.classList.remove('st-error');
    send({ type: 'upload', upload, files });
  };

  const report = ({ input, upload, file }: Active, what: 'progress' | 'done', loaded: number) => {
    input.classList.add(UPLOADING);
    input.setAttribute('data-st-progress', String(Math.floor((100 * loaded) / (file.size || 1))));
    const win = input.ownerDocument.defaultView!;
    input.dispatchEvent(new win.CustomEvent('st:upload-' + what, { bubbles: true, detail: { upload, name: file.name, loaded, total: file.size } }));
  };

  const end = (ref: number, { input, classless }: Active) => {
    uploading.delete(ref);
    for (const other of uploading.values()) if (other.input === input) return;
    unmark(input, UPLOADING, classless);
    input.removeAttribute('data-st-progress');
    // Sent or given up: picking the same file again must fire a change.
    (input as HTMLInputElement).value = '';
  };

  /** Stops every file of upload `name`. */
  const cancel = (name: string) => {
    for (const [ref, active] of uploading) {
      if (active.upload !== name) continue;
      send({ type: 'cancel', ref });
      end(ref, active);
    }
  };

  const failed = (ref: number | undefined, error: { code: string; message: string }) => {
    for (const [at, active] of uploading) {
      if (ref !== undefined && at !== ref) continue;
      end(at, active);
      fail({ code: error.code, message: error.message, name: active.upload }, active.input);
    }
  };

  const change = (event: Event) => {
    const input = event.target as HTMLInputElement;
    if (input.matches?.('input[type=file][data-st-upload]')) start(input);
  };
  const click = (event: Event) => {
    const button = (event.target as Element).closest?.('[data-st-upload-cancel]');
    if (button) cancel(button.getAttribute('data-st-upload-cancel')!);
  };
  root.addEventListener('change', change);
  root.addEventListener('click', click);

  return {
    progress({ ref, bytes, chunk }) {
      const active = uploading.get(ref);
      // Accepted after the page gave it up (a reconnect, a cancel): the server may let it go.
      if (!active) return send({ type: 'cancel', ref });
      if (chunk) active.chunk = chunk;
      else active.inflight--;
      report(active, 'progress', bytes);
      while (active.inflight < WINDOW && active.sent < active.file.size) {
        const blob = active.file.slice(active.sent, (active.sent = Math.min(active.file.size, active.sent + active.chunk)));
        active.inflight++;
        const data = base64(active.input, blob);
        active.queue = active.queue.then(async () => {
          const text = await data.catch(() => null);
          if (uploading.get(ref) !== active) return;
          if (text !== null) return send({ type: 'chunk', ref, data: text });
          send({ type: 'cancel', ref });
          failed(ref, { code: 'upload_unreadable', message: active.file.name });
        });
      }
    },
    done(ref) {
      const active = uploading.get(ref);
      if (!active) return;
      report(active, 'done', active.file.size);
      end(ref, active);
    },
    failed,
    stop() {
      root.removeEventListener('change', change);
      root.removeEventListener('click', click);
    },
  };
}

/** A blob's bytes in base64, read by the browser's own encoder (the page's FileReader, as nothing global is read). */
function base64(element: Element, blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new (element.ownerDocument.defaultView!.FileReader)();
    reader.onload = () => resolve((reader.result as string).slice((reader.result as string).indexOf(',') + 1));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
