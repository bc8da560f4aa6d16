/** Something with an expiry that knows its own slot in the heap, so moving or removing it is O(log n). */
export interface HeapEntry {
  expiresAt: number;
  heapIndex: number;
}

/**
 * An indexed binary min-heap on expiresAt. Touching a session re-sifts its
 * entry in place (no stale duplicates), and listing the expired entries
 * walks only the part of the tree that is expired: O(k) for k results.
 */
export class ExpiryHeap<T extends HeapEntry> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  add(entry: T): void {
    entry.heapIndex = this.items.length;
    this.items.push(entry);
    this.up(entry.heapIndex);
  }

  remove(entry: T): void {
    const i = entry.heapIndex;
    const last = this.items.pop()!;
    if (last !== entry) {
      this.place(last, i);
      this.fix(i);
    }
    entry.heapIndex = -1;
  }

  /** Call after changing entry.expiresAt. */
  moved(entry: T): void {
    this.fix(entry.heapIndex);
  }

  /** Up to `limit` entries with expiresAt < before; children of a live node are never visited. */
  expired(before: number, limit: number): T[] {
    const found: T[] = [];
    const stack = [0];
    while (stack.length > 0 && found.length < limit) {
      const i = stack.pop()!;
      const entry = this.items[i];
      if (entry === undefined || entry.expiresAt >= before) continue;
      found.push(entry);
      stack.push(2 * i + 2, 2 * i + 1);
    }
    return found;
  }

  clear(): void {
    this.items.length = 0;
  }

  private fix(i: number): void {
    if (!this.up(i)) this.down(i);
  }

  private up(i: number): boolean {
    const entry = this.items[i]!;
    let moved = false;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = this.items[parent]!;
      if (p.expiresAt <= entry.expiresAt) break;
      this.place(p, i);
      i = parent;
      moved = true;
    }
    this.place(entry, i);
    return moved;
  }

  private down(i: number): void {
    const entry = this.items[i]!;
    const n = this.items.length;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && this.items[right]!.expiresAt < this.items[child]!.expiresAt) child = right;
      const c = this.items[child]!;
      if (c.expiresAt >= entry.expiresAt) break;
      this.place(c, i);
      i = child;
    }
    this.place(entry, i);
  }

  private place(entry: T, i: number): void {
    this.items[i] = entry;
    entry.heapIndex = i;
  }
}
