/**
 * What the kit installs in a page before its scripts run (the same text in
 * jsdom and in Chromium): every WebSocket the page opens records the frames
 * the server sends, and which events the page sent are still waiting for
 * their `ack`, under `window.__stProbe`.
 */
export const PROBE_SCRIPT = `(() => {
  const probe = { frames: [], waiting: new Set() };
  window.__stProbe = probe;
  const Native = window.WebSocket;
  if (!Native) return;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        probe.frames.push(event.data);
        try {
          const message = JSON.parse(event.data);
          if (message && (message.type === 'ack' || message.type === 'error') && message.id !== undefined) probe.waiting.delete(message.id);
        } catch {}
      });
      this.addEventListener('close', () => probe.waiting.clear());
    }
    send(data) {
      try {
        const message = JSON.parse(data);
        if (message && message.type === 'event' && message.id !== undefined) probe.waiting.add(message.id);
      } catch {}
      super.send(data);
    }
  };
})();`;

/** What the probe holds, as read from the page. */
export interface ProbeState {
  frames: string[];
  waiting: number;
}
