// Runs one scenario for every contender, side by side in this process.
//
// Each contender has its own copy of the data and its own seeded generator,
// so all of them see the same pages. Updates run in batches; each round
// every contender does one batch, each first in turn, so load from other
// processes and GC work left by another contender fall on all alike. (No
// forced GC between batches: V8 sweeps after it on helper threads, and that
// CPU would be billed to whichever batch comes next.) After each batch the
// data goes back to the first page, through one untimed update, so lists
// that grow or shrink stay within a batch of their nominal size. CPU
// time per update comes from process.cpuUsage() over the batches (robust
// on a busy machine); p50 and p99 come from per-update wall-clock samples.
import { compressedFigures } from './compression.mjs';
import { CONTENDERS, payload } from './contenders.mjs';
import { seeded } from './random.mjs';
import { ascending, cpuSince, quantile, round } from './stats.mjs';

const DATA_SEED = 20_240_601;
const CHANGE_SEED = 7;

/** The contenders did not render the same page: their figures would not be comparable. */
export class PageMismatchError extends Error {
  code = 'page_mismatch';
}

/** `count` changes and updates, then an untimed update back to the first page. */
async function batch(lane, scenario, count, record) {
  const { contender, run, data, rng } = lane;
  const { change } = scenario;
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    change(data, rng);
    const t = process.hrtime.bigint();
    const frame = contender.async ? await run.update(data) : run.update(data);
    const wall = Number(process.hrtime.bigint() - t) / 1000;
    if (record) {
      lane.wall.push(wall);
      lane.bytes.push(Buffer.byteLength(frame));
      lane.frames.push(frame);
      lane.last = frame;
    }
  }
  if (record) lane.cpu += cpuSince(start);
  lane.data = scenario.data(seeded(DATA_SEED));
  await lane.run.update(lane.data);
}

async function summary(lane, updates) {
  const wall = ascending(lane.wall);
  const bytes = ascending(lane.bytes);
  return {
    ...(await compressedFigures(lane.contender.id, lane.frames, (sizes) => quantile(ascending(sizes), 0.5))),
    cpuUs: round(lane.cpu / updates),
    p50Us: round(quantile(wall, 0.5)),
    p99Us: round(quantile(wall, 0.99)),
    bytes: quantile(bytes, 0.5),
    maxBytes: bytes[bytes.length - 1],
    payloadBytes: Buffer.byteLength(payload(lane.contender, lane.last)),
  };
}

/** `onRound(done, of)` reports progress. Resolves to the figures of each contender by id. */
export async function runScenario(scenario, onRound) {
  const lanes = [];
  for (const contender of CONTENDERS) {
    const data = scenario.data(seeded(DATA_SEED));
    const run = await contender.start(scenario.page, data);
    lanes.push({ contender, rng: seeded(CHANGE_SEED), data, run, cpu: 0, wall: [], bytes: [], frames: [], last: '' });
  }
  const [first, ...others] = lanes;
  const odd = others.find((lane) => lane.run.html !== first.run.html);
  if (odd) throw new PageMismatchError(`${scenario.id}: ${odd.contender.name} renders another page than ${first.contender.name}`);

  const rounds = Math.ceil(scenario.updates / scenario.batch);
  const warmup = Math.max(2, Math.round(rounds / 10));
  for (const lane of lanes) for (let w = 0; w < warmup; w++) await batch(lane, scenario, scenario.batch, false);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < lanes.length; k++) await batch(lanes[(r + k) % lanes.length], scenario, scenario.batch, true);
    onRound(r + 1, rounds);
  }
  for (const lane of lanes) await lane.run.close?.();
  const updates = rounds * scenario.batch;
  return {
    updates,
    batch: scenario.batch,
    warmup: warmup * scenario.batch,
    pageBytes: Buffer.byteLength(first.run.html),
    contenders: Object.fromEntries(await Promise.all(lanes.map(async (lane) => [lane.contender.id, await summary(lane, updates)]))),
  };
}
