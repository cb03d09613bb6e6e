import type { Command } from './command';
import { toGatewayError } from './errors';
import type { Created } from './interaction';
import { Lease } from './lease';
import type { Logger } from './logger';
import { commandOf, type Outbox, type QueuedItem } from './outbox';
import type { Outcome } from './pipeline';
import type { StateStore } from './state-store';

export const DEFAULT_OUTBOX = { maxItems: 10_000, retryMs: 500, maxRetryMs: 30_000, leaseMs: 15_000 } as const;

export interface OutboxWorkerOptions {
  backend: string;
  outbox: Outbox;
  store: StateStore;
  /** Sends a queued create: the pipeline from unknown-outcome resolution on (not idempotency, not the outbox). */
  deliver(command: Command): Promise<Outcome>;
  /** Told once a queued create is delivered, with the id reserved for it and the upstream's. */
  onDelivered(reservedId: string, upstreamId: string): Promise<void>;
  logger: Logger;
  /** First pause after a failed delivery, doubled up to maxRetryMs; also how often an idle worker looks. */
  retryMs: number;
  maxRetryMs: number;
  /** How long the delivery lease holds without renewal (a dead holder blocks the others that long). */
  leaseMs: number;
  /** The deadline of one delivery attempt. */
  attemptMs: number;
  now: () => number;
}

/**
 * Delivers one backend's queued creates in order, one at a time, exactly once (DESIGN §7): one worker at a time
 * across every replica on the state store (a lease), the attempt counted before it is sent, and an attempt after
 * an earlier one resolved by externalId (a create the upstream already holds is that interaction). A retryable
 * failure keeps the item at the head and backs off; a final refusal settles the item as failed, so later ones go on.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failures = 0;
  private readonly lease: Lease;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.lease = new Lease(options.store, `outbox:lease:${options.backend}`, options.leaseMs);
  }

  start(): void {
    this.schedule(0);
  }

  /** Something was queued: look now rather than at the next poll (unless a failure asked to wait). */
  kick(): void {
    if (this.failures === 0 && !this.running) this.schedule(0);
  }

  /** Stops after the delivery in flight, if any; queued items stay in the store for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.lease.release().catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    // Unref'd: a pending delivery never keeps the process alive on its own.
    this.timer = setTimeout(() => void this.tick(), ms).unref();
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = this.drain().catch((err: unknown) => {
      this.failures += 1;
      this.options.logger.warn('Outbox delivery stopped by a state store failure', { backend: this.options.backend, error: String(err) });
    });
    await this.running;
    this.running = undefined;
    this.schedule(this.failures === 0 ? this.options.retryMs : Math.min(this.options.maxRetryMs, this.options.retryMs * 2 ** (this.failures - 1)));
  }

  /** Delivers items while the lease holds and deliveries succeed. An idle worker only reads: no lease is written. */
  private async drain(): Promise<void> {
    const { outbox, backend } = this.options;
    if ((await outbox.length(backend)) === 0) return;
    while (!this.stopped && (await this.lease.hold())) {
      const head = await outbox.head(backend);
      if (head === undefined) return;
      const item = await outbox.beginAttempt(head);
      if (item === undefined) continue;
      if (!(await this.deliver(item))) return;
    }
  }

  /**
   * One attempt, with the lease renewed while it is in flight: an upstream slower than leaseMs must not let
   * another replica take the lease and send the same create again. True when the item is settled (delivered or
   * finally refused), or settled by a later attempt of another worker (one that took the lease all the same).
   */
  private async deliver(item: QueuedItem): Promise<boolean> {
    const renewal = setInterval(() => void this.lease.hold().catch(() => undefined), Math.max(1, Math.floor(this.options.leaseMs / 3))).unref();
    try {
      return await this.attempt(item);
    } finally {
      clearInterval(renewal);
    }
  }

  private async attempt(item: QueuedItem): Promise<boolean> {
    const { outbox, backend, logger } = this.options;
    const command = commandOf(item.record.command, this.options.now() + this.options.attemptMs, item.record.attempts > 1);
    try {
      const { result } = await this.options.deliver(command);
      const upstreamId = (result as Created).id;
      if (!(await outbox.delivered(item, upstreamId))) return this.overtaken(item);
      await this.options.onDelivered(item.id, upstreamId);
      this.failures = 0;
      logger.info('Outbox delivered a create', { backend, reservedId: item.id, requestId: command.context.requestId, attempts: item.record.attempts });
      return true;
    } catch (err) {
      const error = toGatewayError(err);
      if (error.retryable) {
        this.failures += 1;
        logger.debug('Outbox delivery will be retried', { backend, reservedId: item.id, code: error.code, attempts: item.record.attempts });
        return false;
      }
      if (!(await outbox.failed(item, error))) return this.overtaken(item);
      logger.error('Outbox could not deliver a create: the upstream refused it', { backend, reservedId: item.id, requestId: command.context.requestId, code: error.code });
      return true;
    }
  }

  /** The lease lapsed during this attempt (renewal could not reach the store in time) and another worker went on. */
  private overtaken(item: QueuedItem): boolean {
    this.options.logger.warn('Outbox delivery lease lapsed during an attempt; a later attempt settles the create', { backend: this.options.backend, reservedId: item.id });
    return true;
  }
}
