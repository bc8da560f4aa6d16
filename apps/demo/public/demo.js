// Turns the server-rendered page live. Without JavaScript the page still works:
// every form posts to /do/NAME and the filters are plain links (live: data-st-patch).
(() => {
  const root = document.getElementById('app');
  const status = document.getElementById('connection');
  if (!root || !window.StateTemplate) return;

  const show = (state, text) => {
    status.dataset.state = state;
    status.textContent = text;
  };

  // Updates per second over the last minute, one bar per clock tick: drawn by the page, fed by
  // the server's pushEvent('tick'); data-st-ignore keeps it through the re-renders around it.
  const BARS = '▁▂▃▄▅▆▇█';
  const activityChart = {
    mounted() {
      const values = [];
      this.handleEvent('tick', ({ updatesPerSecond }) => {
        values.push(updatesPerSecond);
        if (values.length > 60) values.shift();
        const top = Math.max(1, ...values);
        this.el.textContent = values.map((v) => BARS[Math.round((v / top) * (BARS.length - 1))]).join('');
      });
    },
  };

  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  window.demoConnection = StateTemplate.connect({
    url: `${scheme}//${location.host}/statetemplate/ws`,
    // Where WebSockets are blocked, the page goes on over Server-Sent Events.
    sseUrl: `${location.origin}/statetemplate/sse`,
    sessionId: root.dataset.session,
    token: root.dataset.token,
    root,
    hooks: { Activity: activityChart },
    onStatus: (online) => show(online ? 'live' : 'offline', online ? 'live' : 'reconnecting…'),
    onGone: () => {
      // The session expired or this server forgot it: a reload starts a new one.
      show('gone', 'session ended, reloading…');
      location.reload();
    },
  });
  show('connecting', 'connecting…');
})();
