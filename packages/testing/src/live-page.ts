import { parseServerMessage, type ServerMessage } from '@statetemplate/protocol';

/** Where a page runs: jsdom in this process, or a real Chromium. */
export type BrowserKind = 'jsdom' | 'chromium';

/**
 * A live StateTemplate page, driven as a user would, with the same calls in
 * jsdom and in Chromium. Each action waits until every event the page sent
 * is acknowledged, which comes after the updates of the render it caused: by
 * then the page shows them.
 */
export interface LivePage {
  readonly browser: BrowserKind;
  /** Clicks the first element matching `selector`. */
  click(selector: string): Promise<void>;
  /** Types `value` into a field (input and change events fire). */
  fill(selector: string, value: string): Promise<void>;
  /** Submits a form, as pressing Enter in it would. */
  submit(selector: string): Promise<void>;
  /** The inner html of the first match (default the body), as patched. */
  html(selector?: string): Promise<string>;
  /** The text of every match, in document order. */
  texts(selector: string): Promise<string[]>;
  /** Resolves once `selector` matches an element (whose text includes `text`, if given): for updates no event of this page caused. */
  waitFor(selector: string, text?: string): Promise<void>;
  /** Resolves once every event the page sent is acknowledged. */
  settled(): Promise<void>;
  /** Every message the server sent the page, decoded, in order. */
  messages(): Promise<ServerMessage[]>;
  close(): Promise<void>;
}

/** Decodes the probe's frames; a frame the protocol does not know is an error, as the client would report it. */
export function decodeFrames(frames: readonly string[]): ServerMessage[] {
  return frames.map((frame) => {
    const message = parseServerMessage(frame);
    if (message instanceof Error) throw message;
    return message;
  });
}

/** How long a wait may take before it fails: a hang guard for a busy machine, not a speed limit. */
export const WAIT_MS = 30_000;

/** Waits for `check` to hold, looking again every few milliseconds, and fails after WAIT_MS saying `what`. */
export async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
