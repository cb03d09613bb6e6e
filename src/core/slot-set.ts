/** An item a SlotSet can hold: the set keeps the item's index in its array on the item itself. */
export interface Slotted {
  /** Where the SlotSet holding this item keeps it; -1 while no set holds it. An item is in one SlotSet at most. */
  slot: number;
}

/** Past this many slots, an emptied set gives its array back rather than keep it for the next burst. */
const KEPT_SLOTS = 1024;

/**
 * The set of what is in flight (requests, body reads, upstream attempts): an item is added when it starts and
 * removed when it ends, on every request, and the set is read whole only at a deadline or at shutdown.
 *
 * Not a JS Set, because of what a Set costs the garbage collector under that churn. A Set's table fills with the
 * entries of removed items and is then rebuilt into a new table, the old one keeping a link to the new one (for
 * iterators still on it) and its own entries. Once one such table has been promoted to the old generation and
 * dropped, it keeps, through that link, every later table and every item they held alive through each young-
 * generation collection until the next full one: each request's whole object graph was copied once and promoted,
 * some 4 kB a request, and collections took 3–8 ms where they take 1. Here an item sits at a numbered slot of one
 * array that is never rebuilt while in use; a removed item's slot is cleared and reused, so nothing dropped keeps
 * anything alive.
 */
export class SlotSet<T extends Slotted> {
  private items: (T | undefined)[] = [];
  private readonly free: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(item: T): void {
    if (item.slot !== -1) return;
    const slot = this.free.pop() ?? this.items.length;
    this.items[slot] = item;
    item.slot = slot;
    this.count += 1;
  }

  /** False when the item was not in the set. */
  delete(item: T): boolean {
    const { slot } = item;
    if (slot === -1 || this.items[slot] !== item) return false;
    this.items[slot] = undefined;
    item.slot = -1;
    this.count -= 1;
    if (this.count === 0 && this.items.length > KEPT_SLOTS) {
      this.items = [];
      this.free.length = 0;
    } else {
      this.free.push(slot);
    }
    return true;
  }

  has(item: T): boolean {
    return item.slot !== -1 && this.items[item.slot] === item;
  }

  /** The items now, in no particular order: a copy, so the caller may add and remove while it goes through them. */
  snapshot(): T[] {
    const out: T[] = [];
    for (const item of this.items) if (item !== undefined) out.push(item);
    return out;
  }
}
