import type { Context } from './context.js';
import { frame, frameCount, isLambda, lambdaOutput, resolve, summarize, varText } from './evaluate.js';
import { listKeys, numericKeys } from './keys.js';
import type { Node, RegionNode } from './nodes.js';
import type { Renderer } from './render.js';
import type { DigestListState, KeyRun, Recorded } from './state.js';

/**
 * Huge lists keep one digest per item instead of its state (the
 * `digestListsAbove` option): 48 bits of a hash of everything the item's
 * render reads, in render order, with the keys of the lists inside it. The
 * same reads render the same html, so an item whose digest is unchanged is
 * unchanged; a changed one is rendered again whole. Two independent 32-bit
 * lanes (cyrb53's mixing), of which 48 bits are kept: a changed item is
 * missed with probability 2^-48 for data nobody chose to collide.
 */

let h1 = 0;
let h2 = 0;

function mix(code: number): void {
  h1 = Math.imul(h1 ^ code, 2654435761);
  h2 = Math.imul(h2 ^ code, 1597334677);
}

// Every recorded thing is tagged, and text carries its length, so that no two streams of reads hash the same text.
const TEXT = 0x10000;
const NUMBER = 0x20000;
const TRUE = 0x30000;
const FALSE = 0x30001;
const LAMBDA = 0x40000;
const LIST = 0x50000;

function text(tag: number, value: string): void {
  mix(tag | 0);
  mix(value.length);
  for (let i = 0; i < value.length; i++) mix(value.charCodeAt(i));
}

function recorded(value: Recorded): void {
  if (typeof value === 'string') text(TEXT, value);
  else if (typeof value === 'number') {
    mix(NUMBER);
    mix(value);
  } else mix(value ? TRUE : FALSE);
}

/** The digest of one list item's reads, walked as Renderer.nodes walks them, without building any html. */
export class Digester {
  constructor(private readonly renderer: Renderer) {}

  item(region: RegionNode, item: unknown, context: Context): number {
    h1 = 0xdeadbeef;
    h2 = 0x41c6ce57;
    this.nodes(region.list!.dynamic, context.push(item));
    // cyrb53's finish: each lane avalanches into the other.
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h2 & 0xffff) * 0x1_0000_0000 + (h1 >>> 0);
  }

  private nodes(nodes: readonly Node[], context: Context): void {
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          break;
        case 'var':
          text(TEXT, varText(node, context));
          break;
        case 'section': {
          const value = resolve(node.path, context);
          if (isLambda(node, value)) {
            text(LAMBDA, lambdaOutput(node, value, context, this.renderer.subRender));
            break;
          }
          const summary = summarize(node, value);
          recorded(summary);
          for (let i = 0, n = frameCount(summary); i < n; i++) this.nodes(node.dynamic, frame(node, value, context, i));
          break;
        }
        case 'partial':
          this.renderer.enter();
          this.nodes(this.renderer.partialNodes(node), context);
          this.renderer.depth--;
          break;
        case 'region': {
          const value = node.list && resolve(node.list.path, context);
          if (!Array.isArray(value)) {
            this.nodes(node.dynamic, context);
            break;
          }
          // A list inside the item: its item markers carry its keys.
          mix(LIST);
          mix(value.length);
          const keys = listKeys(value, this.renderer.keyField);
          for (let i = 0; i < value.length; i++) {
            text(TEXT, keys[i]!);
            this.nodes(node.list!.dynamic, context.push(value[i]));
          }
          break;
        }
      }
    }
  }
}

// Digests as text: 8 base64url characters each, 6 bits per character, high bits first.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CODES = Uint16Array.from(ALPHABET, (c) => c.charCodeAt(0));
const VALUES = new Uint8Array(128);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;
const WIDTH = 8;

function writeDigest(out: Uint16Array, at: number, digest: number): void {
  const high = Math.floor(digest / 0x100_0000);
  const low = digest - high * 0x100_0000;
  for (let k = 0; k < 4; k++) {
    out[at + 3 - k] = CODES[(high >>> (6 * k)) & 63]!;
    out[at + 7 - k] = CODES[(low >>> (6 * k)) & 63]!;
  }
}

const one = new Uint16Array(WIDTH);

function encodeDigest(digest: number): string {
  writeDigest(one, 0, digest);
  return String.fromCharCode(...one);
}

function encodeAll(digests: Float64Array): string {
  const codes = new Uint16Array(digests.length * WIDTH);
  for (let i = 0; i < digests.length; i++) writeDigest(codes, i * WIDTH, digests[i]!);
  let out = '';
  for (let at = 0; at < codes.length; at += 8192) out += String.fromCharCode(...codes.subarray(at, at + 8192));
  return out;
}

function decodeAll(text: string): Float64Array {
  const digests = new Float64Array(text.length / WIDTH);
  for (let i = 0; i < digests.length; i++) {
    let high = 0;
    let low = 0;
    for (let k = 0; k < 4; k++) {
      high = (high << 6) | VALUES[text.charCodeAt(i * WIDTH + k)]!;
      low = (low << 6) | VALUES[text.charCodeAt(i * WIDTH + 4 + k)]!;
    }
    digests[i] = high * 0x100_0000 + low;
  }
  return digests;
}

/**
 * Keys compacted: a run of consecutive decimal integers (ids 1, 2, 3, or
 * positions) as [first, count], any other key as itself.
 */
function encodeKeys(keys: readonly string[]): KeyRun[] {
  const numbers = numericKeys(keys);
  const runs: KeyRun[] = [];
  for (let i = 0; i < keys.length; ) {
    const first = numbers[i]!;
    let j = i + 1;
    if (Number.isSafeInteger(first)) while (j < keys.length && numbers[j] === first + (j - i)) j++;
    if (j - i > 1) runs.push([first, j - i]);
    else runs.push(keys[i]!);
    i = j;
  }
  return runs;
}

function decodeKeys(runs: readonly KeyRun[]): string[] {
  const keys: string[] = [];
  for (const run of runs) {
    if (typeof run === 'string') keys.push(run);
    else for (let k = 0; k < run[1]; k++) keys.push(String(run[0] + k));
  }
  return keys;
}

/** A digested list's keys and digests as a diff reads them: decoded once per state object, kept beside it in memory. */
export interface Unpacked {
  readonly keys: readonly string[];
  readonly digests: Float64Array;
}

const unpacked = new WeakMap<DigestListState, Unpacked>();

export function unpack(state: DigestListState): Unpacked {
  let found = unpacked.get(state);
  if (!found) unpacked.set(state, (found = { keys: decodeKeys(state.n), digests: decodeAll(state.d) }));
  return found;
}

/**
 * A digested list's state. With the state it follows, `from` (each item's
 * old index, -1 for a new one; null when they are the same items) reuses
 * the old text where digests stay in runs, so a one-item change copies no
 * more than V8's string slices.
 */
export function pack(keys: readonly string[], digests: Float64Array, before?: { state: DigestListState; from: Int32Array | null }): DigestListState {
  let text: string;
  if (!before) text = encodeAll(digests);
  else {
    const old = unpack(before.state).digests;
    const from = before.from;
    const at = (i: number) => (from === null ? i : from[i]!);
    text = '';
    for (let i = 0; i < digests.length; ) {
      const start = at(i);
      if (start < 0 || old[start] !== digests[i]) {
        text += encodeDigest(digests[i++]!);
        continue;
      }
      let j = i + 1;
      while (j < digests.length && at(j) === start + j - i && old[start + j - i] === digests[j]) j++;
      text += before.state.d.slice(start * WIDTH, (start + j - i) * WIDTH);
      i = j;
    }
  }
  const n = before && keys === unpack(before.state).keys ? before.state.n : encodeKeys(keys);
  const state: DigestListState = { n, d: text };
  unpacked.set(state, { keys, digests });
  return state;
}
