/**
 * Per-test timeout of the heavy tests (thousands of sessions, property
 * batches, browsers). A hang guard, not a speed limit: such a test asserts
 * counts, and speed belongs in `pnpm bench`.
 */
export const HEAVY_TEST_MS = 180_000;
