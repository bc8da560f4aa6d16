/**
 * What in `value` JSON would not round-trip unchanged, or null when nothing.
 * The store keeps data by reference, so it cannot let JSON quietly turn NaN
 * into null or a Date into a string as a serialising store would: it refuses.
 *
 * Parts identical to the same place in `known` (data the store already holds,
 * checked when stored and immutable by the SessionStore contract) are not
 * walked again, so checking an update costs what changed, not the whole record.
 */
export function jsonFlaw(value: unknown, known: unknown): string | null {
  return flaw(value, known, []);
}

function flaw(value: unknown, known: unknown, ancestors: object[]): string | null {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : `the number ${value}`;
    case 'object':
      if (value === null || value === known) return null;
      return container(value, typeof known === 'object' ? known : null, ancestors);
    default:
      return `a value of type ${typeof value}`;
  }
}

function container(value: object, known: object | null, ancestors: object[]): string | null {
  if (ancestors.includes(value)) return 'a cycle';
  ancestors.push(value);
  const found = Array.isArray(value) ? items(value, Array.isArray(known) ? known : null, ancestors) : fields(value, known, ancestors);
  ancestors.pop();
  return found;
}

/** Linear searches of the known list per array before building a set of it. */
const SCANS = 8;

/**
 * A list that shifted (a sliding log, an item inserted or removed) still
 * holds stored objects at other indexes: they are found by identity, through
 * the shift of the last one found, a scan, or (once scans add up) a set.
 */
function items(value: readonly unknown[], known: readonly unknown[] | null, ancestors: object[]): string | null {
  let shift = 0;
  let scans = 0;
  let stored: ReadonlySet<unknown> | null = null;
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    const old = known?.[i + shift];
    // Most of a long list is the stored items (checked already): skip them without a call each.
    // Known data holds no undefined, so an undefined item past its end is still refused below.
    if (item === old && old !== undefined) continue;
    if (known !== null && typeof item === 'object' && item !== null) {
      if (stored === null && ++scans <= SCANS) {
        const at = known.indexOf(item);
        if (at >= 0) {
          shift = at - i;
          continue;
        }
      } else if ((stored ??= new Set(known)).has(item)) continue;
    }
    const found = flaw(item, old, ancestors);
    if (found !== null) return found;
  }
  return null;
}

function fields(value: object, known: object | null, ancestors: object[]): string | null {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return `an instance of ${value.constructor?.name ?? 'a class'}`;
  const record = value as Record<string, unknown>;
  const old = known as Record<string, unknown> | null;
  for (const key of Object.keys(record)) {
    const field = record[key];
    // JSON leaves such a field out, and reading it gives undefined either way.
    if (field === undefined) continue;
    const found = flaw(field, old?.[key], ancestors);
    if (found !== null) return found;
  }
  return null;
}
