// Compressed bytes on the wire: each contender's frames, in the order it sent
// them, through the compression its transport would use, flushed after every
// message: one zlib context per connection where the transport keeps it (a
// gzip SSE response, permessage-deflate with context takeover), a fresh one
// per frame where it does not.
import { constants, createDeflateRaw, createGzip } from 'node:zlib';

const permessageDeflate = (options, threshold, keep) => ({
  create: () => createDeflateRaw(options),
  threshold,
  // Without context takeover each compressed frame starts afresh.
  keep,
  frame: (message) => message,
  // permessage-deflate leaves out the 00 00 ff ff that ends each flush.
  tail: 4,
});

/** How each contender's messages would be compressed, by the key its figure is stored under; contenders without one have no transport of their own. */
export const WIRES = {
  session: {
    compressedBytes: {
      label: '`attach` defaults: permessage-deflate, frames of 256 B or more, each on its own (window 2^11, memLevel 5)',
      ...permessageDeflate({ windowBits: 11, memLevel: 5 }, 256, false),
    },
    compressedTakeoverBytes: {
      label: 'with `compression: { contextTakeover: true }`: every frame, one context per connection',
      ...permessageDeflate({ windowBits: 11, memLevel: 5 }, 0, true),
    },
  },
  full: {
    compressedBytes: {
      label: 'one gzip response of Server-Sent Events (what a compressed Datastar or htmx SSE stream sends), flushed per event',
      create: () => createGzip(),
      threshold: 0,
      keep: true,
      frame: (message) => `data: ${message}\n\n`,
      tail: 0,
    },
  },
  liveviewjs: {
    compressedBytes: { label: 'permessage-deflate at zlib defaults (window 2^15), every frame, one context per connection', ...permessageDeflate({}, 0, true) },
  },
};

/** The compressed size of each message, in order, through `wire`. */
async function sizes(wire, messages) {
  let zlib = wire.create();
  let out = 0;
  const count = (chunk) => (out += chunk.length);
  zlib.on('data', count);
  const result = [];
  for (const message of messages) {
    const frame = wire.frame(message);
    const raw = Buffer.byteLength(frame);
    if (raw < wire.threshold) {
      result.push(raw);
      continue;
    }
    const before = out;
    zlib.write(frame);
    await new Promise((resolve) => zlib.flush(constants.Z_SYNC_FLUSH, resolve));
    result.push(out - before - wire.tail);
    if (!wire.keep) {
      zlib.close();
      zlib = wire.create();
      zlib.on('data', count);
    }
  }
  zlib.close();
  return result;
}

/** The median compressed size of a contender's messages under each of its wires, by figure key. */
export async function compressedFigures(id, messages, median) {
  const figures = {};
  for (const [key, wire] of Object.entries(WIRES[id] ?? {})) figures[key] = median(await sizes(wire, messages));
  return figures;
}
