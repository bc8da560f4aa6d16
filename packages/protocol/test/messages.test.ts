import { describe, expect, it } from 'vitest';
import { CLOSE, MessageError, parseClientMessage, parseServerMessage, stringifyServerMessage, type ServerMessage } from '../src/index.js';

function refusal(result: unknown): string {
  expect(result).toBeInstanceOf(MessageError);
  return (result as MessageError).code;
}

describe('parseClientMessage', () => {
  it('accepts a hello with a sequence number, or -1 for the whole page', () => {
    const hello = { type: 'hello', sid: 's', token: 't', last: 7 };
    expect(parseClientMessage(JSON.stringify(hello))).toEqual(hello);
    expect(parseClientMessage(JSON.stringify({ ...hello, last: -1 }))).toEqual({ ...hello, last: -1 });
  });

  it('accepts a navigate to a path of the page\'s own origin', () => {
    const navigate = { type: 'navigate', url: '/todos?filter=done#top', id: 3 };
    expect(parseClientMessage(JSON.stringify(navigate))).toEqual(navigate);
  });

  it('accepts an upload\'s files, its chunks in base64 and a cancel', () => {
    const upload = { type: 'upload', upload: 'avatar', files: [{ ref: 1, name: 'me.png', size: 12, type: 'image/png' }, { ref: 2, name: 'x', size: 0, type: '' }] };
    for (const message of [upload, { type: 'chunk', ref: 1, data: 'aGVsbG8=' }, { type: 'chunk', ref: 1, data: '' }, { type: 'cancel', ref: 2, cid: 'c' }]) {
      expect(parseClientMessage(JSON.stringify(message))).toEqual(message);
    }
  });

  it('accepts events with any JSON payload or none', () => {
    const event = { type: 'event', name: 'add', payload: { text: 'x', n: [1, null] } };
    expect(parseClientMessage(JSON.stringify(event))).toEqual(event);
    expect(parseClientMessage('{"type":"event","name":"tick"}')).toEqual({ type: 'event', name: 'tick' });
    expect(parseClientMessage('{"type":"event","name":"tick","cid":"c1"}')).toEqual({ type: 'event', name: 'tick', cid: 'c1' });
  });

  it('refuses what is not a JSON object as malformed', () => {
    for (const frame of ['', 'nope', '{"type":"hello"', '[]', '[1,0,["1","x"]]', 'null', '42', '"hello"']) {
      expect(refusal(parseClientMessage(frame))).toBe('malformed');
    }
  });

  it('refuses missing or mistyped fields as malformed', () => {
    const frames = [
      { sid: 's', token: 't', last: 0 },
      { type: 7 },
      { type: 'hello', token: 't', last: 0 },
      { type: 'hello', sid: '', token: 't', last: 0 },
      { type: 'hello', sid: 's', token: 5, last: 0 },
      { type: 'hello', sid: 's', token: 't' },
      { type: 'hello', sid: 's', token: 't', last: -2 },
      { type: 'hello', sid: 's', token: 't', last: 1.5 },
      { type: 'hello', sid: 's', token: 't', last: '3' },
      { type: 'event', name: '' },
      { type: 'event', payload: 1 },
      { type: 'event', name: 'x', cid: 3 },
      { type: 'navigate' },
      { type: 'navigate', url: 'https://evil.test/' },
      { type: 'navigate', url: '//evil.test/' },
      { type: 'navigate', url: '/\\evil.test/' },
      { type: 'navigate', url: 'todos' },
      { type: 'navigate', url: '/todos', id: -1 },
      { type: 'upload', upload: 'a', files: [] },
      { type: 'upload', upload: '', files: [{ ref: 1, name: 'x', size: 1, type: '' }] },
      { type: 'upload', upload: 'a', files: [{ ref: 1, name: 'x', size: -1, type: '' }] },
      { type: 'upload', upload: 'a', files: [{ ref: 1, name: 'x', size: 1 }] },
      { type: 'upload', upload: 'a', files: [null] },
      { type: 'chunk', ref: 1, data: 'not base64!' },
      { type: 'chunk', ref: 1 },
      { type: 'cancel' },
    ];
    for (const frame of frames) expect(refusal(parseClientMessage(JSON.stringify(frame)))).toBe('malformed');
  });

  it('refuses unknown types, including names every object inherits', () => {
    for (const type of ['updates', 'toString', '__proto__', 'constructor', 'ping']) {
      expect(refusal(parseClientMessage(JSON.stringify({ type })))).toBe('unknown_type');
    }
  });
});

describe('parseServerMessage', () => {
  it('accepts every server message as stringifyServerMessage writes it', () => {
    const messages: ServerMessage[] = [
      { type: 'ready' },
      { type: 'ready', cid: 'abc' },
      { type: 'updates', seq: 3, batch: [0, ['1', 'x']] },
      { type: 'updates', seq: 4, batch: [5, ['1:a', 1], 2, ['1:b', 4, '<i>b</i>', '1:c'], ['1:d', 0, 'x'], -2] },
      { type: 'updates', seq: 0, batch: [0] },
      { type: 'resync', seq: 0, html: '' },
      { type: 'push', name: 'chart', payload: { points: [1, 2] } },
      { type: 'push', name: 'ping', payload: null },
      { type: 'navigate', url: '/todos?filter=done' },
      { type: 'navigate', url: '/', replace: true },
      { type: 'redirect', url: 'https://example.test/login' },
      { type: 'progress', ref: 1, bytes: 0, chunk: 49152 },
      { type: 'progress', ref: 1, bytes: 49152 },
      { type: 'uploaded', ref: 1 },
      { type: 'error', code: 'upload_too_large', message: 'over 1 MiB', ref: 3 },
      { type: 'error', code: 'rate_limited', message: 'slow down' },
      { type: 'gone', reason: 'expired' },
    ];
    for (const message of messages) expect(parseServerMessage(stringifyServerMessage(message))).toEqual(message);
    expect(stringifyServerMessage(messages[2]!)).toBe('[3,0,["1","x"]]');
  });

  it('refuses bad fields and unknown types', () => {
    expect(refusal(parseServerMessage('{"type":"resync","seq":1}'))).toBe('malformed');
    expect(refusal(parseServerMessage('{"type":"gone"}'))).toBe('malformed');
    expect(refusal(parseServerMessage('{"type":"push","name":"x"}'))).toBe('malformed');
    expect(refusal(parseServerMessage('{"type":"navigate","url":"//evil.test/"}'))).toBe('malformed');
    expect(refusal(parseServerMessage('{"type":"navigate","url":"/","replace":false}'))).toBe('malformed');
    expect(refusal(parseServerMessage('{"type":"redirect","url":""}'))).toBe('malformed');
    expect(refusal(parseServerMessage('{"type":"hello","sid":"s","token":"t","last":0}'))).toBe('unknown_type');
    // Updates travel only in their compact form.
    expect(refusal(parseServerMessage('{"type":"updates","seq":1,"updates":[]}'))).toBe('unknown_type');
  });

  it('refuses malformed update batches, down to each update, as malformed', () => {
    const frames = [
      '[]',
      '[-1,0]',
      '[1.5,0]',
      '["1",0]',
      '[1]',
      '[1,null]',
      '[1,"0",["1","x"]]',
      '[1,0.5,["1","x"]]',
      '[1,0,{}]',
      '[1,0,[]]',
      '[1,0,["1"]]',
      '[1,0,[1,"x"]]',
      '[1,0,["1","x","y"]]',
      '[1,0,["1",7]]',
      '[1,0,["1",-1]]',
      '[1,0,["1",1.5]]',
      '[1,0,["1",null]]',
      '[1,0,["1",1,null]]',
      '[1,0,["1",4,"x","r","extra"]]',
      '[1,0,["1",7,[]]]',
      '[1,0,["1",7,[[0]]]]',
      '[1,0,["1",7,[0,"a"]]]',
      '[1,0,["1",7,[[-1,"a"]]]]',
      '[1,0,["1",7,[[0.5,""]]]]',
      '[1,0,["1",7,[[0,"a",""]]]]',
      '[1,0,["1",7,[[0,"a",1]]]]',
      '[1,0,["1",7,"x"]]',
      '[1,0,["1",7,[[0,"a"]],"x"]]',
      '[1,0,["1",24]]',
      '[1,0,["1",15,[]]]',
      '[1,0,["1",4,"x",0]]',
      '[1,0,["1","x"],0.5]',
      '[1,0,["1","x"],"x"]',
      `[1,0,${'["1","x"],'.repeat(50)}["1",0,{}]]`,
    ];
    for (const frame of frames) expect([frame, refusal(parseServerMessage(frame))]).toEqual([frame, 'malformed']);
  });
});

describe('close codes', () => {
  it('are distinct and in the ranges WebSockets allow to send', () => {
    const codes = Object.values(CLOSE);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code === 1001 || code === 1003 || code === 1009 || code === 1011 || (code >= 4000 && code <= 4999)).toBe(true);
  });
});
