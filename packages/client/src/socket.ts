import { parseServerMessage } from '@statetemplate/protocol';
import type { OpenTransport } from './transport.js';

/** The WebSocket constructor, from the page's window or passed in (e.g. `ws` in Node). */
export type WebSocketClass = new (url: string) => WebSocket;

/** Connection attempts over WebSocket: the hello goes as the first frame, never in the URL. */
export function websocket(url: string, Socket: WebSocketClass): OpenTransport {
  return (hello, events) => {
    const ws = new Socket(url);
    ws.onopen = () => ws.send(JSON.stringify(hello));
    ws.onmessage = ({ data }: MessageEvent<string>) => events.message(parseServerMessage(data), data.length);
    // An error event is always followed by a close event.
    ws.onclose = () => events.closed();
    return {
      send: (message) => ws.send(JSON.stringify(message)),
      close() {
        ws.onclose = ws.onmessage = null;
        ws.close();
      },
    };
  };
}
