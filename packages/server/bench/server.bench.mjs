// Loopback latency from session.render() to the update message arriving at a
// peer (WebSocket with the default compression, WebSocket with
// `contextTakeover`, and SSE), p50/p99 over ITERATIONS renders of one todo item,
// and fan-out: one render in each of CONNECTIONS sessions until every peer has
// its update. Run after a build; writes bench/results.json beside this file.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { StateTemplate } from '@statetemplate/session';
import { WebSocket, WebSocketServer } from 'ws';
import { attach } from '../dist/index.js';
import { PROTOCOL_VERSION } from '@statetemplate/protocol';

const WARMUP = 50;
const ITERATIONS = 500;
const CONNECTIONS = 200;
const ITEMS = 25;

const template = '<h1>{{title}}</h1><ul>{{#items}}<li class="{{#done}}done{{/done}}">{{text}}</li>{{/items}}</ul>';
const todo = (version) => ({
  title: 'bench',
  items: Array.from({ length: ITEMS }, (_, id) => ({ id, text: `task ${id}`, done: id === version % ITEMS })),
});

const st = new StateTemplate(template, { signingKey: 'bench signing key of at least 32 bytes!' });
const server = createServer((_, res) => res.writeHead(404).end());
const live = attach(server, { stateTemplate: st, eventsPerSecond: 1000 });
// The same sessions with permessage-deflate keeping its context: every frame compressed.
const takeover = attach(server, { stateTemplate: st, eventsPerSecond: 1000, path: '/takeover/ws', ssePath: false, compression: { contextTakeover: true } });
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const base = `127.0.0.1:${server.address().port}`;

/** A connected peer of a new session: `next()` resolves with the next message's text. */
async function wsPeer(path = '/statetemplate/ws') {
  const { sessionId, token } = await st.newSession(todo(0));
  const ws = new WebSocket(`ws://${base}${path}`);
  const inbox = queue();
  ws.on('message', (data) => inbox.put(String(data)));
  await once(ws, 'open');
  ws.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token, last: 0 }));
  await inbox.next();
  return { session: await st.getSession(sessionId, token), next: inbox.next, close: () => ws.close() };
}

async function ssePeer() {
  const { sessionId, token } = await st.newSession(todo(0));
  const abort = new AbortController();
  const response = await fetch(`http://${base}/statetemplate/sse`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token, last: 0 }),
    signal: abort.signal,
  });
  if (!response.ok) throw new Error(`the SSE hello was refused: ${response.status}`);
  const inbox = queue();
  void (async () => {
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of response.body) {
      text += decoder.decode(chunk, { stream: true });
      const blocks = text.split('\n\n');
      text = blocks.pop();
      for (const block of blocks) if (block.startsWith('data: ')) inbox.put(block.slice(6));
    }
  })().catch(() => undefined);
  await inbox.next();
  return { session: await st.getSession(sessionId, token), next: inbox.next, close: () => abort.abort() };
}

function queue() {
  const items = [];
  const waiting = [];
  return {
    put: (item) => (waiting.length > 0 ? waiting.shift()(item) : items.push(item)),
    next: () => (items.length > 0 ? Promise.resolve(items.shift()) : new Promise((resolve) => waiting.push(resolve))),
  };
}

async function latency(peer) {
  const samples = new Float64Array(ITERATIONS);
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const start = process.hrtime.bigint();
    await peer.session.render(todo(i + 1));
    await peer.next();
    if (i >= WARMUP) samples[i - WARMUP] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  samples.sort();
  const at = (q) => Math.round(samples[Math.min(ITERATIONS - 1, Math.floor(q * ITERATIONS))] * 1000) / 1000;
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}

async function fanOut(path) {
  const peers = await Promise.all(Array.from({ length: CONNECTIONS }, () => wsPeer(path)));
  const start = process.hrtime.bigint();
  await Promise.all(peers.map(async (peer) => {
    await peer.session.render(todo(1));
    await peer.next();
  }));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  for (const peer of peers) peer.close();
  return { connections: CONNECTIONS, totalMs: Math.round(ms * 10) / 10, updatesPerSecond: Math.round((CONNECTIONS / ms) * 1000) };
}

const results = {};
for (const [name, open] of [['websocket', () => wsPeer()], ['websocket, contextTakeover', () => wsPeer('/takeover/ws')], ['sse', ssePeer]]) {
  const peer = await open();
  results[`render to message, ${name}`] = await latency(peer);
  peer.close();
}
results.fanOut = await fanOut();
results.fanOutContextTakeover = await fanOut('/takeover/ws');

/**
 * Shared fan-out: SHARED viewers of one topic's todo list, each page greeting its own user, get
 * one shared change over WebSocket; side by side, a plain `ws` server broadcasts the very frame
 * they got to as many peers. The peers run in a child process: the figures are this process's
 * CPU time from the change to the last peer holding it. Rounds alternate, medians compared.
 */
async function sharedFanOut() {
  const SHARED = 1_000;
  const ROUNDS = 30;
  const greeted = '<h1>Hello {{user}}</h1><ul>{{#items}}<li class="{{#done}}done{{/done}}">{{text}}</li>{{/items}}</ul>';
  const list = (version) => ({ items: todo(version).items });
  const topic = new StateTemplate(greeted, { signingKey: 'bench signing key of at least 32 bytes!' });
  const server = createServer((_, res) => res.writeHead(404).end());
  const live = attach(server, { stateTemplate: topic, eventsPerSecond: 1000, ssePath: false });
  const plain = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  server.listen(0, '127.0.0.1');
  await Promise.all([once(server, 'listening'), once(plain, 'listening')]);
  await topic.publish('list', list(0));
  const hellos = [];
  for (let i = 0; i < SHARED; i++) {
    const { sessionId, token } = await topic.newSession({ user: `viewer ${i}` }, { topic: 'list' });
    hellos.push({ url: `ws://127.0.0.1:${server.address().port}/statetemplate/ws`, hello: { type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token, last: 0 } });
  }
  const child = fork(new URL('./fan-out-clients.mjs', import.meta.url));
  const ask = (message) => new Promise((resolve) => {
    child.once('message', resolve);
    child.send(message);
  });
  await ask({ connect: hellos, group: 'ours' });
  await ask({ connect: Array.from({ length: SHARED }, () => ({ url: `ws://127.0.0.1:${plain.address().port}` })), group: 'plain' });
  const peers = [...plain.clients];
  const cpu = (start) => {
    const used = process.cpuUsage(start);
    return used.user + used.system;
  };
  // Each change toggles one item and clears the one before: two updates, so the position moves by two.
  const ours = [];
  const broadcast = [];
  let frameBytes = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    let start = process.cpuUsage();
    await topic.publish('list', list(round));
    const { sample } = await ask({ expect: 2 * round, group: 'ours' });
    ours.push(cpu(start));
    frameBytes = Buffer.byteLength(sample);
    start = process.cpuUsage();
    for (const peer of peers) peer.send(sample);
    await ask({ expect: 2 * round, group: 'plain' });
    broadcast.push(cpu(start));
  }
  child.send({ exit: true });
  live.close();
  server.closeAllConnections();
  server.close();
  plain.close();
  await topic.close();
  const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
  const ratio = median(ours) / median(broadcast);
  return { connections: SHARED, frameBytes, oursCpuUs: median(ours), plainBroadcastCpuUs: median(broadcast), ratio: Math.round(ratio * 100) / 100, target: 1.5, met: ratio <= 1.5 };
}
results.sharedFanOut = await sharedFanOut();

console.log(`@statetemplate/server, node ${process.version}, loopback, ${ITEMS}-item todo list, ${ITERATIONS} renders after ${WARMUP} warmup`);
console.table(Object.fromEntries(Object.entries(results).filter(([name]) => !/^(fanOut|sharedFanOut)/.test(name))));
const shared = results.sharedFanOut;
console.log(`shared fan-out: one topic change to ${shared.connections} viewers, ${shared.oursCpuUs} µs CPU; a plain ws broadcast of the same ${shared.frameBytes} B frame ${shared.plainBroadcastCpuUs} µs: ${shared.ratio}× (target <= 1.5)`);
for (const [label, fan] of [['fan-out', results.fanOut], ['fan-out, contextTakeover', results.fanOutContextTakeover]]) {
  console.log(`${label}: ${fan.connections} sessions, one render each, all delivered in ${fan.totalMs} ms (${fan.updatesPerSecond} updates/s)`);
}
writeFileSync(
  new URL('./results.json', import.meta.url),
  `${JSON.stringify({ node: process.version, items: ITEMS, iterations: ITERATIONS, warmup: WARMUP, results }, null, 2)}\n`,
);
live.close();
takeover.close();
server.closeAllConnections();
server.close();
await st.close();
