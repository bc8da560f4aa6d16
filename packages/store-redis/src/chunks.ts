import { createHash } from 'node:crypto';
import { StoreError, type JsonValue } from '@statetemplate/store';

/** Objects and arrays whose JSON text is at least this long are chunks of their own. */
const CHUNK_CHARS = 128;
/** Arrays longer than this are lists: their objects and arrays are chunks however small. */
const LISTED_LENGTH = 8;
/** Arrays longer than this are cut into pages, where the elements say (content-defined): an insert changes one page. */
const PAGED_LENGTH = 64;
/** About one element in this many ends a page; no page is longer than twice it. */
const PAGE_SPREAD = 32;

/** Strings that start with this are references; a data string that does is written with it doubled (printable: JSON writes it as one byte). */
const MARK = '~';
const CHUNK_REF = `${MARK}c`;
const PAGE_REF = `${MARK}p`;

/** How a node is written inside its parent's text: inline, or as a reference to its chunk. */
interface Encoded {
  readonly text: string;
  /** The chunk this node is, or null for a node written inline. */
  readonly key: string | null;
  /** The chunks its text refers to (directly, or inside inline parts). */
  readonly inner: readonly Encoded[];
  /** Rebuilds the chunk's text, for a chunk the hash does not hold yet. */
  readonly content: () => string;
}

/** A record's data as chunks: the root's text, and every chunk it reaches with a way to get its text. */
export interface ChunkedData {
  readonly root: string;
  readonly chunks: ReadonlyMap<string, () => string>;
}

/**
 * JSON data split into content-addressed chunks, so that a version sharing
 * most of its objects with the one before (records are immutable values,
 * each version shares what did not change) is written as the few chunks
 * that changed. Objects already encoded or decoded are known by identity and
 * never walked again. The text follows JSON.stringify's rules.
 */
export class ChunkCodec {
  readonly #known = new WeakMap<object, Encoded>();
  /** The texts of the chunks made by the encode() under way: asked for right after, they are not rebuilt. */
  #made = new Map<string, string>();

  /** Throws StoreError('invalid') for data JSON cannot hold (cycles, BigInt, no value). */
  encode(data: JsonValue): ChunkedData {
    const made = (this.#made = new Map());
    const root = this.#value(data, new Set());
    if (root === undefined) throw new StoreError('invalid', 'data is not a JSON value');
    const chunks = new Map<string, () => string>();
    const visit = (encoded: Encoded): void => {
      if (encoded.key !== null) {
        if (chunks.has(encoded.key)) return;
        const text = made.get(encoded.key);
        chunks.set(encoded.key, text === undefined ? encoded.content : () => text);
      }
      encoded.inner.forEach(visit);
    };
    visit(root);
    return { root: root.text, chunks };
  }

  /** The data of a root text and the chunks it refers to; StoreError('invalid') when one is missing or not JSON. */
  decode(root: string, chunk: (key: string) => string | undefined): JsonValue {
    const parse = (text: string): unknown => {
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new StoreError('invalid', 'a stored chunk is not JSON', { cause: error });
      }
    };
    const read = (key: string): unknown => {
      const text = chunk(key);
      if (text === undefined) throw new StoreError('invalid', `the stored data misses chunk ${key}`);
      const value = resolve(parse(text));
      if (typeof value === 'object' && value !== null) this.#known.set(value, this.#chunkOf(value, key));
      return value;
    };
    const resolve = (value: unknown): unknown => {
      if (typeof value === 'string') {
        if (!value.startsWith(MARK)) return value;
        if (value.startsWith(CHUNK_REF)) return read(value.slice(CHUNK_REF.length));
        return value.slice(MARK.length);
      }
      if (Array.isArray(value)) {
        const paged = value.length > 0 && value.every((v) => typeof v === 'string' && v.startsWith(PAGE_REF));
        if (paged) return (value as string[]).flatMap((ref) => read(ref.slice(PAGE_REF.length)) as unknown[]);
        return value.map(resolve);
      }
      // fromEntries defines each key as JSON.parse does: a "__proto__" key stays data.
      if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
      return value;
    };
    return resolve(parse(root)) as JsonValue;
  }

  /** A decoded chunk, known from now on: its text and inner chunks are rebuilt from its parts (known, so cheap) when asked. */
  #chunkOf(value: object, key: string): Encoded {
    let parts: { text: string; inner: Encoded[] } | null = null;
    const rebuild = () => (parts ??= this.#parts(value, new Set()));
    return {
      text: JSON.stringify(`${CHUNK_REF}${key}`),
      key,
      get inner() {
        return rebuild().inner;
      },
      content: () => rebuild().text,
    };
  }

  /** A value inside a parent: undefined for one JSON leaves out (undefined, functions, symbols). */
  #value(value: unknown, path: Set<object>): Encoded | undefined {
    switch (typeof value) {
      case 'string':
        return leaf(JSON.stringify(value.startsWith(MARK) ? MARK + value : value));
      case 'number':
      case 'boolean':
        return leaf(JSON.stringify(value));
      case 'bigint':
        throw new StoreError('invalid', 'data holds a BigInt: not JSON data');
      case 'object':
        if (value === null) return leaf('null');
        return this.#known.get(value) ?? this.#object(value, path);
      default:
        return undefined;
    }
  }

  #object(value: object, path: Set<object>): Encoded | undefined {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return this.#value(toJSON.call(value, ''), path);
    if (path.has(value)) throw new StoreError('invalid', 'data is cyclic: not JSON data');
    path.add(value);
    const { text, inner } = this.#parts(value, path);
    path.delete(value);
    // A chunk rebuilds its text when asked instead of keeping it: the data itself is kept anyway.
    const encoded = text.length < CHUNK_CHARS ? { text, key: null, inner, content: () => text } : this.#chunk(text, inner, CHUNK_REF, () => this.#parts(value, new Set()).text);
    this.#known.set(value, encoded);
    return encoded;
  }

  /** A chunk of `text`, referred to with `mark` and its key (a digest of the text); `content` gives the text again. */
  #chunk(text: string, inner: readonly Encoded[], mark: string, content: () => string): Encoded {
    const key = createHash('sha1').update(text).digest('base64url').slice(0, 10);
    this.#made.set(key, text);
    return { text: JSON.stringify(`${mark}${key}`), key, inner, content };
  }

  /** `value`, written inline so far, as a chunk from now on. */
  #asChunk(value: object, inline: Encoded): Encoded {
    const encoded = this.#chunk(inline.text, inline.inner, CHUNK_REF, inline.content);
    this.#known.set(value, encoded);
    return encoded;
  }

  /** An object's or array's own text, with its parts inline or referred to. */
  #parts(value: object, path: Set<object>): { text: string; inner: Encoded[] } {
    const inner: Encoded[] = [];
    if (Array.isArray(value)) {
      // Array.from visits holes too: JSON writes them as null.
      const parts = Array.from(value as unknown[], (item) => this.#value(item, path) ?? leaf('null'));
      // A list's objects are chunks however small: it then holds references, and one changed item rewrites little.
      const items = parts.length <= LISTED_LENGTH ? parts : parts.map((item, i) => (item.key === null && /^[[{]/.test(item.text) ? this.#asChunk(value[i] as object, item) : item));
      if (items.length <= PAGED_LENGTH) return { text: `[${items.map((item) => refer(item, inner)).join(',')}]`, inner };
      const pages = paginate(items).map((run) => {
        const within: Encoded[] = [];
        const text = `[${run.map((item) => refer(item, within)).join(',')}]`;
        return this.#chunk(text, within, PAGE_REF, () => `[${run.map((item) => item.text).join(',')}]`);
      });
      return { text: `[${pages.map((page) => page.text).join(',')}]`, inner: pages };
    }
    const fields: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      const encoded = this.#value(item, path);
      if (encoded !== undefined) fields.push(`${JSON.stringify(key)}:${refer(encoded, inner)}`);
    }
    return { text: `{${fields.join(',')}}`, inner };
  }
}

/** A part's text inside its parent, noting in `inner` the chunks it is or holds. */
function refer(encoded: Encoded, inner: Encoded[]): string {
  if (encoded.key !== null) inner.push(encoded);
  else inner.push(...encoded.inner);
  return encoded.text;
}

function leaf(text: string): Encoded {
  return { text, key: null, inner: [], content: () => text };
}

/** Cuts the items after those whose text's digest says so: the same items make the same pages, wherever they sit. */
function paginate(items: readonly Encoded[]): Encoded[][] {
  const pages: Encoded[][] = [];
  let page: Encoded[] = [];
  for (const item of items) {
    page.push(item);
    if (page.length >= 2 * PAGE_SPREAD || fnv1a(item.text) % PAGE_SPREAD === 0) {
      pages.push(page);
      page = [];
    }
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
