import { SlotSet, type Slotted } from '../../../src/core/slot-set';

class Item implements Slotted {
  slot = -1;
  constructor(readonly id: number) {}
}

const ids = (set: SlotSet<Item>): number[] => set.snapshot().map((i) => i.id).sort((a, b) => a - b);

describe('SlotSet', () => {
  it('holds what was added and not yet deleted, each once', () => {
    const set = new SlotSet<Item>();
    const [a, b, c] = [new Item(1), new Item(2), new Item(3)];
    set.add(a);
    set.add(b);
    set.add(b);
    set.add(c);
    expect(set.size).toBe(3);
    expect(set.delete(b)).toBe(true);
    expect(set.delete(b)).toBe(false);
    expect(set.has(b)).toBe(false);
    expect(b.slot).toBe(-1);
    expect(ids(set)).toEqual([1, 3]);
    set.add(b);
    expect(ids(set)).toEqual([1, 2, 3]);
    expect(set.size).toBe(3);
  });

  it("does not take an item another set holds, nor delete one it does not hold", () => {
    const first = new SlotSet<Item>();
    const second = new SlotSet<Item>();
    const a = new Item(1);
    const b = new Item(2);
    first.add(a);
    second.add(b);
    expect(second.delete(a)).toBe(false);
    expect(second.has(a)).toBe(false);
    expect(first.has(a)).toBe(true);
    expect(ids(second)).toEqual([2]);
  });

  it('agrees with a Set over a seeded random walk of adds and deletes, emptying now and then', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const items = Array.from({ length: 3000 }, (_, i) => new Item(i));
    const set = new SlotSet<Item>();
    const model = new Set<Item>();
    // Disagreements are collected, not asserted step by step: 60,000 expect() calls would take seconds.
    const disagreements: string[] = [];
    for (let step = 0; step < 60_000; step++) {
      // Every 10,000 steps everything goes: an emptied set past its kept size gives its array back.
      if (step % 10_000 === 9_999) {
        for (const item of model) if (!set.delete(item)) disagreements.push(`step ${step}: ${item.id} not deleted`);
        model.clear();
        if (set.size !== 0) disagreements.push(`step ${step}: size ${set.size} once emptied`);
        continue;
      }
      const item = items[random(items.length)]!;
      if (random(3) === 0) {
        if (set.delete(item) !== model.delete(item)) disagreements.push(`step ${step}: delete of ${item.id}`);
      } else {
        set.add(item);
        model.add(item);
      }
      if (set.size !== model.size || set.has(item) !== model.has(item)) disagreements.push(`step ${step}: size or has of ${item.id}`);
    }
    expect(disagreements).toEqual([]);
    expect(ids(set)).toEqual([...model].map((i) => i.id).sort((a, b) => a - b));
  });

  it('lets the caller add and delete while it goes through a snapshot', () => {
    const set = new SlotSet<Item>();
    const items = [1, 2, 3, 4].map((i) => new Item(i));
    for (const item of items) set.add(item);
    const seen: number[] = [];
    for (const item of set.snapshot()) {
      seen.push(item.id);
      set.delete(items[3]!);
      set.add(new Item(10 + item.id));
    }
    expect(seen.sort()).toEqual([1, 2, 3, 4]);
    expect(set.size).toBe(7);
  });
});
