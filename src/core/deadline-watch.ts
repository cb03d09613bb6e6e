import { SlotSet, type Slotted } from './slot-set';

/** Something that ends by a deadline, read on the watch's clock; `expire` is called once that deadline has passed. */
export interface Expiring extends Slotted {
  readonly deadline: number;
  expire(): void;
}

export interface DeadlineWatchOptions {
  /** The clock deadlines are read on (Date.now for epoch deadlines, performance.now for monotonic ones). */
  now: () => number;
  /** Whether pending deadlines keep the process alive, as a timer of their own each would. */
  holdsProcess: boolean;
}

/**
 * Deadlines watched by one timer for all rather than one timer each: a request's body and an upstream attempt
 * each have a deadline, and a setTimeout/clearTimeout pair per request was a measurable share of its cost. The
 * timer is set for the earliest deadline; an item that ends is only removed, leaving the timer set, and when it
 * fires it expires what is due and sets itself for the next deadline. Items share one timeout length in
 * practice, so under load it fires about once per timeout period.
 */
export class DeadlineWatch<T extends Expiring> {
  /** A SlotSet, not a Set: one item is added and removed per request (see SlotSet). */
  private readonly pending = new SlotSet<T>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  constructor(private readonly options: DeadlineWatchOptions) {}

  add(item: T): void {
    this.pending.add(item);
    if (item.deadline < this.armedFor) this.arm(item.deadline);
    else if (this.options.holdsProcess && this.pending.size === 1) this.timer?.ref();
  }

  delete(item: T): void {
    this.pending.delete(item);
    // An idle timer left set must not hold the process once nothing waits on it.
    if (this.pending.size === 0) this.timer?.unref();
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(() => this.expire(), Math.max(0, Math.ceil(at - this.options.now())));
    if (!this.options.holdsProcess) this.timer.unref();
  }

  private expire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = this.options.now();
    let next = Infinity;
    // An item's expire runs code of its own, which may end other items: each is looked at only while still held.
    for (const item of this.pending.snapshot()) {
      if (!this.pending.has(item)) continue;
      if (item.deadline <= now) {
        this.pending.delete(item);
        item.expire();
      } else if (item.deadline < next) next = item.deadline;
    }
    if (next !== Infinity) this.arm(next);
  }
}
