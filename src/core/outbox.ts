import type { CreateCommand } from './command';
import { GatewayError, type ErrorCode, type ErrorDetails } from './errors';
import { queuedInteraction, type Interaction } from './interaction';
import type { StateStore } from './state-store';

/**
 * The outbox (DESIGN §7, `backends.<n>.outbox: true`) on the state store's primitives: creates a backend could not
 * take wait in one durable FIFO queue per backend, under an id the gateway reserved and answered at once. Each
 * reserved id has a record that says where it stands — queued (with the number of delivery attempts begun),
 * delivered (the upstream's id: the reserved id is an alias of it from then on) or failed (the final error).
 */

/** Reserved ids are recognisable by their shape, so a get by an ordinary id never touches the store. */
export const RESERVED_ID_PREFIX = 'omgw-q-';
export const isReservedId = (id: string): boolean => id.startsWith(RESERVED_ID_PREFIX);
/**
 * The id reserved for a create: made from its idempotency claim (CommandContext.claimId), so a retry that resumes a
 * try which died after queueing (before its answer was recorded) finds that item instead of queueing a second one.
 */
export const reservedIdOf = (claimId: string): string => `${RESERVED_ID_PREFIX}${claimId}`;

export type ReservedRecord =
  | { s: 'queued'; backend: string; at: number; attempts: number; command: StoredCreate }
  | { s: 'delivered'; backend: string; id: string }
  | { s: 'failed'; backend: string; e: { code: ErrorCode; message: string; details: ErrorDetails } };

/** A create as the queue keeps it: its context without the deadline of the request that is long answered. */
export type StoredCreate = Omit<CreateCommand, 'context'> & { context: Omit<CreateCommand['context'], 'deadline' | 'receivedAt'> & { receivedAt: string } };

export interface OutboxOptions {
  /** Items one backend's queue holds at most; past it creates get the backend's own retryable error. */
  maxItems: number;
  /** How long a reserved id's record lives (as long as the id index keeps an interaction locatable). */
  recordTtlMs: number;
  now: () => number;
}

export interface QueuedItem {
  id: string;
  raw: string;
  record: Extract<ReservedRecord, { s: 'queued' }>;
}

const queueOf = (backend: string) => `outbox:q:${backend}`;
const recordKey = (id: string) => `outbox:id:${id}`;
const externalIdKey = (backend: string, service: string, externalId: string) => `outbox:ext:${JSON.stringify([backend, service, externalId])}`;

export class Outbox {
  constructor(
    private readonly store: StateStore,
    private readonly options: OutboxOptions,
  ) {}

  /**
   * Queues a create under `id` and answers where that id stands: queued, or — when an earlier try already queued
   * it under the same id — what became of it; undefined when the queue is full. The record is written (only if
   * absent) before the queue item, so an item never lacks one; a crash in between leaves a record that the
   * resumed retry queues.
   */
  async enqueue(command: CreateCommand, backend: string, id: string): Promise<ReservedRecord | undefined> {
    const { deadline: _deadline, ...context } = command.context;
    const stored: StoredCreate = { ...command, context: { ...context, receivedAt: context.receivedAt.toISOString() } };
    let record: ReservedRecord = { s: 'queued', backend, at: this.options.now(), attempts: 0, command: stored };
    const fresh = await this.store.setIfAbsent(recordKey(id), JSON.stringify(record), this.options.recordTtlMs);
    if (!fresh) {
      const earlier = await this.record(id);
      if (earlier === undefined) return this.enqueue(command, backend, id);
      if (earlier.s !== 'queued') return earlier;
      record = earlier;
    }
    if (!(await this.store.enqueue(queueOf(backend), id, '', this.options.maxItems))) {
      if (fresh) await this.store.delete(recordKey(id));
      return undefined;
    }
    const { externalId, service } = record.command;
    if (externalId !== undefined) await this.store.set(externalIdKey(backend, service, externalId), id, this.options.recordTtlMs);
    return record;
  }

  async length(backend: string): Promise<number> {
    return this.store.queueLength(queueOf(backend));
  }

  async record(id: string): Promise<ReservedRecord | undefined> {
    const raw = await this.store.get(recordKey(id));
    return raw === undefined ? undefined : (JSON.parse(raw) as ReservedRecord);
  }

  /** The reserved id a queued create with this externalId holds, if any. */
  reservedFor(backend: string, service: string, externalId: string): Promise<string | undefined> {
    return this.store.get(externalIdKey(backend, service, externalId));
  }

  /** The oldest item of a backend's queue, with its record; an item whose record is gone is dropped. */
  async head(backend: string): Promise<QueuedItem | undefined> {
    for (;;) {
      const [first] = await this.store.peek(queueOf(backend), 1);
      if (first === undefined) return undefined;
      const raw = await this.store.get(recordKey(first.id));
      const record = raw === undefined ? undefined : (JSON.parse(raw) as ReservedRecord);
      if (record?.s === 'queued') return { id: first.id, raw, record } as QueuedItem;
      // Settled but not yet dequeued (a crash between the two): finish the job.
      await this.store.dequeue(queueOf(backend), first.id);
    }
  }

  /**
   * Counts a delivery attempt before it is made: after a crash, the next attempt knows an earlier one may have
   * been applied. Undefined when the item changed meanwhile (another worker).
   */
  async beginAttempt(item: QueuedItem): Promise<QueuedItem | undefined> {
    const record = { ...item.record, attempts: item.record.attempts + 1 };
    const raw = JSON.stringify(record);
    return (await this.store.compareAndSet(recordKey(item.id), item.raw, raw, this.options.recordTtlMs)) ? { id: item.id, raw, record } : undefined;
  }

  /** False when another worker began a later attempt meanwhile: that attempt settles the item, not this one. */
  delivered(item: QueuedItem, upstreamId: string): Promise<boolean> {
    return this.settle(item, { s: 'delivered', backend: item.record.backend, id: upstreamId });
  }

  failed(item: QueuedItem, error: GatewayError): Promise<boolean> {
    return this.settle(item, { s: 'failed', backend: item.record.backend, e: { code: error.code, message: error.message, details: error.details } });
  }

  /**
   * Only from the record this attempt wrote: an attempt that outlived its lease must not overwrite what a later
   * one found (its "already exists" is that later attempt's create, which is resolved as delivered).
   */
  private async settle(item: QueuedItem, record: ReservedRecord): Promise<boolean> {
    if (!(await this.store.compareAndSet(recordKey(item.id), item.raw, JSON.stringify(record), this.options.recordTtlMs))) return false;
    const { command } = item.record;
    if (command.externalId !== undefined) await this.store.delete(externalIdKey(item.record.backend, command.service, command.externalId), item.id);
    await this.store.dequeue(queueOf(item.record.backend), item.id);
    return true;
  }
}

/** The create as the worker sends it: a fresh context, with a deadline of its own. */
export function commandOf(stored: StoredCreate, deadline: number, priorOutcomeUnknown: boolean): CreateCommand {
  const context = { ...stored.context, receivedAt: new Date(stored.context.receivedAt), deadline, ...(priorOutcomeUnknown && { priorOutcomeUnknown }) };
  return { ...stored, context };
}

/** A queued create as a get shows it: queued, under its reserved id, with what the client sent. */
export function pendingInteraction(id: string, record: Extract<ReservedRecord, { s: 'queued' }>): Interaction {
  return queuedInteraction(id, record.command, new Date(record.at).toISOString());
}

export function failureOf(record: Extract<ReservedRecord, { s: 'failed' }>): GatewayError {
  return new GatewayError(record.e.code, record.e.message, record.e.details);
}
