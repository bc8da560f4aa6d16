import type { Context } from './context.js';
import { frame, frameCount, isLambda, lambdaOutput, partialName, resolve, summarize, varText } from './evaluate.js';
import { itemShape, type ItemShape } from './item-check.js';
import { listKeys, numericKeys } from './keys.js';
import type { Node, RegionNode, SectionNode } from './nodes.js';
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
const SEED1 = 0xdeadbeef;
const SEED2 = 0x41c6ce57;
const K1 = 2654435761;
const K2 = 1597334677;

function mix(code: number): void {
  h1 = Math.imul(h1 ^ code, K1);
  h2 = Math.imul(h2 ^ code, K2);
}

/** cyrb53's finish, each lane avalanching into the other; 48 bits kept. Written out again in `generated`. */
function finish(): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 & 0xffff) * 0x1_0000_0000 + (h1 >>> 0);
}

// Every recorded thing is tagged, and text carries its length, so that no two streams of reads hash the same text.
const TEXT = 0x10000;
const NUMBER = 0x20000;
const TRUE = 0x30000;
const FALSE = 0x30001;
const LAMBDA = 0x40000;
const LIST = 0x50000;

/** Two UTF-16 units per step: text is most of what an item reads. */
function text(tag: number, value: string): void {
  mix(tag);
  mix(value.length);
  let i = 0;
  for (; i + 1 < value.length; i += 2) mix(value.charCodeAt(i) | (value.charCodeAt(i + 1) << 16));
  if (i < value.length) mix(value.charCodeAt(i));
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

  /** A list's digested state for its keys and items, with what the items recorded kept beside it where the generated reads answer. */
  list(region: RegionNode, keys: readonly string[], items: readonly unknown[], context: Context): DigestListState {
    const digests = new Float64Array(items.length);
    const digest = this.of(region);
    const fast = fastItemsOf(region.list!);
    let values: Recorded[] | null = fast && new Array(items.length * fast.width);
    for (let i = 0; i < items.length; i++) {
      digests[i] = digest(items[i], context);
      if (values && !fast!.write(items[i], values, i * fast!.width)) values = null;
    }
    const state = pack(keys, digests);
    if (values) recordedCache.set(state, values);
    return state;
  }

  /** The digest of an item of `region`'s list, by its own fields where they answer. */
  of(region: RegionNode): (item: unknown, context: Context) => number {
    const fast = fastItemsOf(region.list!);
    return (item, context) => fast?.digest(item) ?? this.walked(region, item, context);
  }

  private walked(region: RegionNode, item: unknown, context: Context): number {
    h1 = SEED1;
    h2 = SEED2;
    this.nodes(region.list!.dynamic, context.push(item));
    return finish();
  }

  private nodes(nodes: readonly Node[], context: Context): void {
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          break;
        case 'var':
          text(TEXT, varText(node, context, this.renderer.varLambdas));
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
        case 'partial': {
          const name = partialName(node, context);
          if (node.dynamic) text(TEXT, name);
          this.renderer.enter();
          this.nodes(this.renderer.partialNodes(node, name), context);
          this.renderer.depth--;
          break;
        }
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

/**
 * For bodies item-check can read (values and static sections, in child
 * regions too), written out as JavaScript once per section: each read a
 * literal property read off the item (a name it lacks, a function or a
 * list's array is the general walk's: undefined, or false for `write`).
 * `digest` hashes the reads as Digester does; `same` and `write` compare
 * and keep them in a flat array, `width` per item (see Recorded below).
 */
export interface FastItems {
  readonly width: number;
  digest(item: unknown): number | undefined;
  same(item: unknown, values: Recorded[], at: number): boolean | undefined;
  write(item: unknown, values: Recorded[], at: number): boolean;
}

const fastItems = new WeakMap<SectionNode, FastItems | null>();

export function fastItemsOf(section: SectionNode): FastItems | null {
  let found = fastItems.get(section);
  if (found === undefined) {
    const shape = itemShape(section);
    fastItems.set(section, (found = shape && generated(shape)));
  }
  return found;
}

/** Null where the runtime refuses generated code. */
function generated(shape: ItemShape): FastItems | null {
  const literal = (text: string) => JSON.stringify(text);
  const mix = (code: string) => `h1 = Math.imul(h1 ^ ${code}, ${K1}); h2 = Math.imul(h2 ^ ${code}, ${K2});`;
  // Each read leaves what is recorded for it in x (as varText and summarize do), or runs `bail`.
  const read = ({ path, section, list }: ItemShape['reads'][number], bail: string) => {
    const head = path.length === 0 ? 'v = item;' : `v = item[${literal(path[0]!)}]; if (v === undefined && !(${literal(path[0]!)} in item)) ${bail}`;
    const rest = path.slice(1).map((part) => `v = v === null || v === undefined ? undefined : v[${literal(part)}];`);
    const now =
      section === null
        ? `v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v)`
        : section.inverted
          ? `!v || (Array.isArray(v) && v.length === 0)`
          : `!v ? false : Array.isArray(v) ? v.length || false : true`;
    return `${head} ${rest.join(' ')} if (typeof v === 'function'${list ? ' || Array.isArray(v)' : ''}) ${bail} x = ${now};`;
  };
  const hash = `if (typeof x === 'string') {
        ${mix(String(TEXT))} ${mix('x.length')}
        for (i = 0; i + 1 < x.length; i += 2) { c = x.charCodeAt(i) | (x.charCodeAt(i + 1) << 16); ${mix('c')} }
        if (i < x.length) { c = x.charCodeAt(i); ${mix('c')} }
      } else if (typeof x === 'number') { ${mix(String(NUMBER))} ${mix('x')} } else { c = x ? ${TRUE} : ${FALSE}; ${mix('c')} }`;
  const each = (bail: string, then: (j: number) => string) => shape.reads.map((r, j) => `${read(r, bail)} ${then(j)}`).join('\n      ');
  const object = (bail: string) => `if (item === null || typeof item !== 'object') ${bail}`;
  const body = `return {
    width: ${shape.reads.length},
    digest(item) {
      ${object('return undefined;')}
      let h1 = ${SEED1}, h2 = ${SEED2}, v, x, c, i;
      ${each('return undefined;', () => hash)}
      h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
      h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
      return (h2 & 0xffff) * 4294967296 + (h1 >>> 0);
    },
    same(item, values, at) {
      ${object('return undefined;')}
      let v, x;
      ${each('return undefined;', (j) => `if (x !== values[at + ${j}]) return false;`)}
      return true;
    },
    write(item, values, at) {
      ${object('return false;')}
      let v, x;
      ${each('return false;', (j) => `values[at + ${j}] = x;`)}
      return true;
    },
  };`;
  try {
    return new Function(body)() as FastItems;
  } catch {
    return null;
  }
}

/**
 * In memory only, beside a digested list's state whose items the generated
 * reads answer: what each item recorded, `width` values per item in one
 * array (no object per item), so that a diff compares them as item-check
 * does instead of hashing every item. It moves to the next state (a diff
 * takes it, see takeRecorded), which writes the changed items into it; a
 * state read back from a store has none and is compared by its digests.
 */
const recordedCache = new WeakMap<DigestListState, Recorded[]>();

/** The recorded values beside `state`, taken away from it: only the state a diff makes of it will hold them. */
export function takeRecorded(state: DigestListState): Recorded[] | null {
  const values = recordedCache.get(state);
  if (values === undefined) return null;
  recordedCache.delete(state);
  return values;
}

export function keepRecorded(state: DigestListState, values: Recorded[]): void {
  recordedCache.set(state, values);
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

/** As unpack, taken away from `state`: its digests may then be written in place (a state without them decodes its own again). */
export function takeUnpacked(state: DigestListState): Unpacked {
  const found = unpack(state);
  unpacked.delete(state);
  return found;
}

/** Gives a state back what takeUnpacked took, when a diff left it as it was. */
export function keepUnpacked(state: DigestListState, found: Unpacked): void {
  unpacked.set(state, found);
}

/**
 * A digested list's state. With the state it follows, its text is reused
 * where digests stay in runs, so a one-item change copies no more than V8's
 * string slices: `from` holds each item's old index (-1 for a new one), or
 * is null when the items are the old ones, of which those at `changed` changed.
 */
export function pack(
  keys: readonly string[],
  digests: Float64Array,
  before?: { state: DigestListState; old: Unpacked; from: Int32Array | null; changed: readonly number[] },
): DigestListState {
  let text: string;
  if (!before) text = encodeAll(digests);
  else if (before.from === null) {
    const old = before.state.d;
    text = '';
    let at = 0;
    for (const i of before.changed) {
      text += old.slice(at * WIDTH, i * WIDTH) + encodeDigest(digests[i]!);
      at = i + 1;
    }
    text += old.slice(at * WIDTH);
  } else {
    const old = before.old.digests;
    const from = before.from;
    text = '';
    for (let i = 0; i < digests.length; ) {
      const start = from[i]!;
      if (start < 0 || old[start] !== digests[i]) {
        text += encodeDigest(digests[i++]!);
        continue;
      }
      let j = i + 1;
      while (j < digests.length && from[j] === start + j - i && old[start + j - i] === digests[j]) j++;
      text += before.state.d.slice(start * WIDTH, (start + j - i) * WIDTH);
      i = j;
    }
  }
  const n = before && keys === before.old.keys ? before.state.n : encodeKeys(keys);
  const state: DigestListState = { n, d: text };
  unpacked.set(state, { keys, digests });
  return state;
}
