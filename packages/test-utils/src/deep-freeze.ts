/**
 * Freezes `value` and everything reachable from it, and returns it. Tests
 * freeze what they hand over or get back to prove that neither side changes
 * a shared value: in strict mode (every ES module) a write then throws.
 */
export function deepFreeze<T>(value: T): T {
  freeze(value, new WeakSet());
  return value;
}

function freeze(value: unknown, seen: WeakSet<object>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) freeze((value as Record<PropertyKey, unknown>)[key], seen);
}
