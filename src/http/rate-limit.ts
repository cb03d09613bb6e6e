import type { RateLimitSpec } from './rate-limit.config';

interface Bucket {
  tokens: number;
  /** Epoch ms of the last refill. */
  at: number;
  /** The limit it was made for: a sweep refills each bucket at its own rate. */
  spec: RateLimitSpec;
}

/** Buckets kept at most by default: enough for every active client, small enough (≈ 100 B each) to ignore. */
export const DEFAULT_MAX_BUCKETS = 100_000;

/**
 * Token buckets by key (a credential, a remote address). The map is bounded: when it is full, buckets that have
 * refilled are dropped (a full bucket is the same as none), then the oldest, so a flood of addresses costs a
 * bounded amount of memory and at worst gives an old address a fresh bucket.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly maxBuckets = DEFAULT_MAX_BUCKETS,
    private readonly clock: () => number = Date.now,
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  /** Takes a token: 0 when the request may go, else the seconds after which one will be there. */
  take(key: string, spec: RateLimitSpec): number {
    const bucket = this.refilled(key, spec);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return secondsUntilToken(bucket);
  }

  /** Like take, without taking: 0 when a token is there. Unknown keys cost nothing. */
  wait(key: string): number {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return 0;
    refill(bucket, this.clock());
    return bucket.tokens >= 1 ? 0 : secondsUntilToken(bucket);
  }

  private refilled(key: string, spec: RateLimitSpec): Bucket {
    const now = this.clock();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxBuckets) this.sweep(now);
      bucket = { tokens: spec.burst, at: now, spec };
      this.buckets.set(key, bucket);
    } else refill(bucket, now);
    return bucket;
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      refill(bucket, now);
      if (bucket.tokens >= bucket.spec.burst) this.buckets.delete(key);
    }
    // Still nearly full: every bucket is in use, so the oldest tenth goes (Map keeps insertion order).
    let excess = this.buckets.size - Math.floor(this.maxBuckets * 0.9);
    for (const key of this.buckets.keys()) {
      if (excess-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}

function refill(bucket: Bucket, now: number): void {
  if (now <= bucket.at) return;
  const { spec } = bucket;
  bucket.tokens = Math.min(spec.burst, bucket.tokens + ((now - bucket.at) * spec.rate) / 1000);
  bucket.at = now;
}

/** Whole seconds, at least 1: what a Retry-After header can say. */
function secondsUntilToken(bucket: Bucket): number {
  return Math.max(1, Math.ceil((1 - bucket.tokens) / bucket.spec.rate));
}
