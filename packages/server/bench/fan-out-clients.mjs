// The peers of the server bench's shared fan-out, in a process of their own so that the
// parent's CPU time is the server's alone. Over IPC: { connect: [{ url, hello? }] } opens
// the connections (answering once each has its first frame), { expect: seq, group } answers
// once every connection of that group has an updates frame at `seq`, with that frame's text.
import { WebSocket } from 'ws';

const groups = new Map();
let waiting = null;

function check() {
  if (waiting === null) return;
  const peers = groups.get(waiting.group);
  if (peers.every((p) => p.seq >= waiting.seq)) {
    const sample = peers[0].frame;
    waiting = null;
    process.send({ done: true, sample });
  }
}

process.on('message', async (message) => {
  if (message.connect) {
    const peers = await Promise.all(
      message.connect.map(
        ({ url, hello }) =>
          new Promise((resolve, reject) => {
            const peer = { seq: -1, frame: '' };
            const ws = new WebSocket(url);
            ws.on('error', reject);
            ws.on('open', () => (hello ? ws.send(JSON.stringify(hello)) : resolve(peer)));
            ws.on('message', (data) => {
              const text = String(data);
              if (text.startsWith('[')) {
                peer.seq = JSON.parse(text)[0];
                peer.frame = text;
                check();
              }
              // Our server answers a hello with `ready`: the peer is live.
              else if (text.includes('"ready"')) resolve(peer);
            });
          }),
      ),
    );
    groups.set(message.group, peers);
    process.send({ connected: peers.length });
  } else if (message.expect !== undefined) {
    waiting = { seq: message.expect, group: message.group };
    check();
  } else if (message.exit) process.exit(0);
});
