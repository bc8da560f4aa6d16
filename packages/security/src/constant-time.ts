import { timingSafeEqual } from 'node:crypto';

/**
 * String equality whose running time depends only on the longer input's
 * length, not on where the strings differ. Both sides are zero-padded to a
 * common length so timingSafeEqual always runs; the length check comes after.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  const size = Math.max(left.length, right.length);
  const paddedLeft = Buffer.alloc(size);
  const paddedRight = Buffer.alloc(size);
  left.copy(paddedLeft);
  right.copy(paddedRight);
  const sameBytes = timingSafeEqual(paddedLeft, paddedRight);
  return sameBytes && left.length === right.length;
}
