/**
 * How long any wait for an event (a message, a close, a DOM change) may take
 * before the test counts as hung. Generous for a busy machine: a wait ends as
 * soon as its event comes, so this bounds hangs and never measures speed.
 */
export const HANG_GUARD_MS = 30_000;

/**
 * Per-test timeout of the heavy tests (thousands of sessions, property
 * batches, browsers). A hang guard, not a speed limit: such a test asserts
 * counts, and speed belongs in `pnpm bench`.
 */
export const HEAVY_TEST_MS = 180_000;
