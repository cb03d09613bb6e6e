/**
 * Stopped interactions in the order they stopped, for retention: eviction only ever looks at the front, so each
 * check costs O(1) and each interaction is evicted once. Items are kept in an array read from a moving head,
 * compacted now and then, since Array#shift would copy the whole queue on every eviction.
 */
export class StoppedQueue<T> {
  private items: (T | undefined)[] = [];
  private times: number[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T, timeMs: number): void {
    this.items.push(item);
    this.times.push(timeMs);
  }

  /** Stop time of the oldest item, or undefined when empty. */
  oldestTime(): number | undefined {
    return this.head < this.times.length ? this.times[this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    // Released at once: compaction comes later, and an evicted interaction must not stay reachable until then.
    this.items[this.head] = undefined;
    this.head += 1;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) this.compact();
    return item;
  }

  private compact(): void {
    this.items = this.items.slice(this.head);
    this.times = this.times.slice(this.head);
    this.head = 0;
  }
}
