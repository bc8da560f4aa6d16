// Turns the server-rendered page live. Without JavaScript the page still works:
// every form posts to /do/NAME and the filters are plain links.
(function () {
  var root = document.getElementById('app');
  var status = document.getElementById('connection');
  if (!root || !window.StateTemplate) return;

  function show(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  var scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  window.demoConnection = StateTemplate.connect({
    url: scheme + '//' + location.host + '/statetemplate/ws',
    sessionId: root.dataset.session,
    token: root.dataset.token,
    root: root,
    onStatus: function (online) {
      show(online ? 'live' : 'offline', online ? 'live' : 'reconnecting…');
    },
    onGone: function () {
      // The session expired or this server forgot it: a reload starts a new one.
      show('gone', 'session ended, reloading…');
      location.reload();
    },
  });
  show('connecting', 'connecting…');
})();
