import { randomUUID } from 'node:crypto';
import type { StateStore } from './state-store';

/**
 * A lease on a name, across every process on one state store: setIfAbsent takes it, compareAndSet renews it, and
 * it lapses `ttlMs` after the last renewal, so a holder that dies (kill -9) blocks the others for one TTL at most.
 */
export class Lease {
  private readonly owner = randomUUID();

  constructor(
    private readonly store: StateStore,
    private readonly key: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes the lease, or renews it when this process already holds it; false when another holds it. */
  async hold(): Promise<boolean> {
    if (await this.store.compareAndSet(this.key, this.owner, this.owner, this.ttlMs)) return true;
    return this.store.setIfAbsent(this.key, this.owner, this.ttlMs);
  }

  /** Lets another process take over at once (graceful shutdown) instead of after the TTL. */
  async release(): Promise<void> {
    await this.store.delete(this.key, this.owner);
  }
}
