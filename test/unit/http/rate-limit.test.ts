import { TokenBuckets } from '../../../src/http/rate-limit';

describe('token buckets', () => {
  const spec = { rate: 2, burst: 3 };

  it('lets a burst through, then one request per 1/rate seconds, saying how long to wait', () => {
    let now = 1_000_000;
    const buckets = new TokenBuckets(100, () => now);
    expect([buckets.take('a', spec), buckets.take('a', spec), buckets.take('a', spec)]).toEqual([0, 0, 0]);
    expect(buckets.take('a', spec)).toBe(1);
    expect(buckets.take('b', spec)).toBe(0);
    now += 499;
    expect(buckets.take('a', spec)).toBe(1);
    now += 1;
    expect(buckets.take('a', spec)).toBe(0);
    now += 10_000;
    expect([buckets.take('a', spec), buckets.take('a', spec), buckets.take('a', spec), buckets.take('a', spec)]).toEqual([0, 0, 0, 1]);
  });

  it('a slow rate asks for a longer wait; wait() peeks without taking and knows no unknown key', () => {
    const now = 0;
    const buckets = new TokenBuckets(100, () => now);
    const slow = { rate: 0.1, burst: 1 };
    expect(buckets.wait('x')).toBe(0);
    expect(buckets.size).toBe(0);
    expect(buckets.take('x', slow)).toBe(0);
    expect(buckets.wait('x')).toBe(10);
    expect(buckets.take('x', slow)).toBe(10);
  });

  it('stays bounded under many keys, dropping refilled buckets first and then the oldest', () => {
    let now = 0;
    const buckets = new TokenBuckets(1000, () => now);
    for (let i = 0; i < 50_000; i++) {
      buckets.take(`10.0.${i >> 8}.${i & 255}`, spec);
      now += 1;
    }
    expect(buckets.size).toBeLessThanOrEqual(1000);
    // A client in the middle of its burst keeps its bucket while idle ones are swept.
    const busy = new TokenBuckets(10, () => now);
    for (let i = 0; i < 3; i++) busy.take('busy', spec);
    now += 1;
    for (let i = 0; i < 9; i++) busy.take(`idle-${i}`, { rate: 1000, burst: 1 });
    now += 10;
    busy.take('newcomer', spec);
    expect(busy.take('busy', spec)).toBeGreaterThan(0);
  });
});
