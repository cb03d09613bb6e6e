import { resolveStage } from './ambiguous';
import { assignExternalIdStage } from './assign-external-id.stage';
import type { Dispatcher } from './dispatcher';
import { idempotencyStage } from './idempotency.stage';
import { indexStage } from './index.stage';
import type { InteractionIndex } from './interaction-index';
import type { Logger } from './logger';
import { Outbox } from './outbox';
import { outboxStage } from './outbox.stage';
import { OutboxWorker } from './outbox.worker';
import { composePipeline, type Run } from './pipeline';
import type { StateStore } from './state-store';

export interface CommandPipelineOptions {
  store: StateStore;
  index: InteractionIndex;
  dispatcher: Dispatcher;
  logger: Logger;
  /** server.requestTimeoutMs: how long one request (or one outbox delivery) may take. */
  requestTimeoutMs: number;
  idempotency: { ttlMs: number; waitMs: number };
  /** Backends with `assignExternalId: true`. */
  assignExternalId: ReadonlySet<string>;
  /** Backends with `outbox: true`, and the outbox's tuning. */
  outbox: { backends: ReadonlySet<string>; maxItems: number; retryMs: number; maxRetryMs: number; leaseMs: number; recordTtlMs: number };
}

export interface CommandPipeline {
  run: Run;
  /** Starts delivering what the outboxes hold (left by an earlier process too). */
  start(): void;
  /** Stops delivering after the delivery in flight; what is queued stays in the store. */
  stop(): Promise<void>;
  /** Creates queued for a backend with an outbox; undefined for the others. */
  outboxDepth(backend: string): Promise<number | undefined>;
}

/**
 * The stages every command runs through, in order (see pipeline.ts): idempotency → assignExternalId → resolve
 * unknown outcomes → outbox → index → dispatch. The outbox workers deliver through the same stages from
 * `resolve` on: a redelivery meets the same resolution of "already exists" as a caller's retry does.
 */
export function createCommandPipeline(o: CommandPipelineOptions): CommandPipeline {
  const dispatch: Run = (command, route) => o.dispatcher.dispatch(command, route);
  const deliveryStages = [resolveStage(o.logger), indexStage(o.index)];
  const deliver = composePipeline(deliveryStages, dispatch);
  const outbox = new Outbox(o.store, { maxItems: o.outbox.maxItems, recordTtlMs: o.outbox.recordTtlMs, now: Date.now });
  const workers = new Map<string, OutboxWorker>();
  for (const backend of o.outbox.backends) {
    workers.set(
      backend,
      new OutboxWorker({
        backend,
        outbox,
        store: o.store,
        deliver: (command) => deliver(command, o.dispatcher.routeOfBackend(backend)),
        onDelivered: (reservedId, upstreamId) => o.index.shareAlias(reservedId, upstreamId),
        logger: o.logger,
        retryMs: o.outbox.retryMs,
        maxRetryMs: o.outbox.maxRetryMs,
        leaseMs: o.outbox.leaseMs,
        attemptMs: o.requestTimeoutMs,
        now: Date.now,
      }),
    );
  }
  const run = composePipeline(
    [
      idempotencyStage(o.store, { ...o.idempotency, requestTimeoutMs: o.requestTimeoutMs, logger: o.logger }),
      assignExternalIdStage(o.assignExternalId),
      deliveryStages[0]!,
      outboxStage(outbox, { backends: o.outbox.backends, index: o.index, logger: o.logger, onQueued: (backend) => workers.get(backend)?.kick() }),
      ...deliveryStages.slice(1),
    ],
    dispatch,
  );
  return {
    run,
    start: () => workers.forEach((w) => w.start()),
    stop: async () => void (await Promise.all([...workers.values()].map((w) => w.stop()))),
    outboxDepth: async (backend) => (workers.has(backend) ? outbox.length(backend) : undefined),
  };
}
