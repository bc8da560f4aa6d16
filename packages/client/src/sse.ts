import { parseServerMessage, type ClientMessage } from '@statetemplate/protocol';
import type { OpenTransport } from './transport.js';

/**
 * Connection attempts over Server-Sent Events, read from a fetch POST so the
 * token travels in the body: the hello opens the stream; events are POSTs
 * carrying the connection id the `ready` message gave.
 */
export function sse(url: string, fetcher: typeof fetch): OpenTransport {
  return (hello, events) => {
    const abort = new AbortController();
    let cid: string | undefined;
    let open = true;
    const post = (message: ClientMessage, signal?: AbortSignal) =>
      fetcher(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message), signal });
    const read = async () => {
      const response = await post(hello, abort.signal);
      // A refusal with an event-stream body (a refused origin) says why, as an open stream would.
      const stream = response.ok || response.headers.get('content-type')?.startsWith('text/event-stream');
      const reader = stream && response.body ? response.body.getReader() : null;
      const decoder = new TextDecoder();
      let text = '';
      for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader!.read()) {
        text += decoder.decode(chunk.value, { stream: true });
        const blocks = text.split('\n\n');
        text = blocks.pop()!;
        for (const block of blocks) {
          // Lines starting with ":" are heartbeats.
          if (!block.startsWith('data: ')) continue;
          const message = parseServerMessage(block.slice(6));
          if (!(message instanceof Error) && message.type === 'ready') cid = message.cid;
          events.message(message, block.length - 6);
        }
      }
    };
    read()
      .catch(() => undefined)
      .finally(() => {
        // Releases a refused response's body too.
        abort.abort();
        if (open) events.closed();
      });
    const restart = () => abort.abort();
    return {
      // A 404 means the server no longer knows this stream: start over.
      send: (message) => void post({ ...message, cid } as ClientMessage).then((r) => r.status === 404 && restart(), restart),
      close() {
        open = false;
        restart();
      },
    };
  };
}
