const SHAPE = /^[A-Za-z0-9_-]*$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Bits of the last symbol that encode nothing, by length mod 4 (1 is impossible). */
const SPARE_BITS = [0, -1, 4, 2] as const;

/**
 * True for the one unpadded base64url spelling of some byte string. Decoders
 * ignore padding and the spare low bits of the last symbol, so without this
 * check several spellings would open to the same bytes.
 */
export function isCanonicalBase64url(text: string): boolean {
  if (!SHAPE.test(text)) return false;
  const spare = SPARE_BITS[text.length % 4] ?? -1;
  if (spare <= 0) return spare === 0;
  const last = ALPHABET.indexOf(text.charAt(text.length - 1));
  return (last & ((1 << spare) - 1)) === 0;
}
