import { randomUUID } from 'node:crypto';
import { ASSIGNED_EXTERNAL_ID_PREFIX } from './assign-external-id.stage';
import type { Command, CreateCommand, GetCommand } from './command';
import type { Route } from './dispatcher';
import { GatewayError, toGatewayError } from './errors';
import type { Created } from './interaction';
import type { InteractionIndex } from './interaction-index';
import type { Logger } from './logger';
import { failureOf, isReservedId, RESERVED_ID_PREFIX, pendingInteraction, reservedIdOf, type Outbox } from './outbox';
import type { Next, Outcome, Stage } from './pipeline';

export interface OutboxStageOptions {
  /** The backends with `outbox: true`. */
  backends: ReadonlySet<string>;
  index: InteractionIndex;
  logger: Logger;
  /** Told when something was queued, so delivery starts without waiting for the next poll. */
  onQueued(backend: string): void;
}

/**
 * Creates (with an externalId or an Idempotency-Key) that a backend with `outbox: true` cannot take now are kept
 * and acknowledged as accepted-pending under a reserved id (GMS statusCode 0, Nexus 202) — only when the upstream
 * provably did not apply them (connection refused, breaker open, 503: `applied: no`); an unknown outcome is the
 * caller's error, resolved on its retry. While a backend's queue holds anything, its new creates queue behind, so
 * they are delivered in order.
 *
 * A reserved id is usable at once. Before delivery a get answers the queued interaction (state queued); an update
 * or stop answers "try again" (the dialect's retryable form): it cannot be applied to an interaction the upstream
 * does not hold yet, and queueing it would answer success for a write that may still fail. After delivery the
 * reserved id is an alias of the upstream's id; after a final refusal it answers that refusal.
 */
export function outboxStage(outbox: Outbox, options: OutboxStageOptions): Stage {
  const { backends, index, logger } = options;

  /**
   * Queues a create under the id its idempotency claim reserves. A retry resuming a try that queued it and died
   * before its answer was recorded finds that item: answered as it stands (queued: pending; delivered: the same
   * reserved id, now an alias), never queued twice.
   */
  async function queue(command: CreateCommand, route: Route, id: string, cause?: GatewayError): Promise<Outcome> {
    // Redelivery after a crash is resolved by externalId, so every queued create carries one (from the claim too).
    const queued = command.externalId === undefined ? { ...command, externalId: `${ASSIGNED_EXTERNAL_ID_PREFIX}${id.slice(RESERVED_ID_PREFIX.length)}` } : command;
    const record = await outbox.enqueue(queued, route.backend, id);
    if (record === undefined) {
      logger.warn('Outbox full: a create was refused', { backend: route.backend, requestId: command.context.requestId });
      throw cause ?? new GatewayError('upstream_unavailable', `Backend ${route.backend} is unavailable and its outbox is full`, { retryAfterSeconds: 1 });
    }
    if (record.s === 'failed') throw failureOf(record);
    await index.remember(id, { service: command.service, backend: route.backend });
    if (record.s === 'queued') options.onQueued(route.backend);
    const created: Created = record.s === 'queued' ? { id, pending: true } : { id };
    if (command.externalId !== undefined) created.externalId = command.externalId;
    return { result: created, backend: route.backend };
  }

  async function create(command: CreateCommand, route: Route, next: Next): Promise<Outcome> {
    if (command.externalId === undefined && command.context.idempotencyKey === undefined) return next(command, route);
    const { claimId, priorOutcomeUnknown } = command.context;
    const id = reservedIdOf(claimId ?? randomUUID());
    if ((await outbox.length(route.backend)) > 0) return queue(command, route, id);
    // A retry resuming a try whose outcome is unknown: that try may have queued it (and died before answering).
    if (priorOutcomeUnknown === true && claimId !== undefined && (await outbox.record(id)) !== undefined) return queue(command, route, id);
    try {
      return await next(command, route);
    } catch (err) {
      const error = toGatewayError(err);
      if (!error.retryable || error.details.applied !== 'no') throw error;
      return queue(command, route, id, error);
    }
  }

  /** A command naming a reserved id: answered from the outbox, or sent on under the upstream's id. */
  async function byReservedId(command: Exclude<Command, CreateCommand>, route: Route, id: string, next: Next): Promise<Outcome> {
    const record = await outbox.record(id);
    if (record === undefined) throw new GatewayError('not_found', `Interaction ${id} was not found`, { subject: 'interaction', ref: id });
    if (record.s === 'failed') throw failureOf(record);
    if (record.s === 'delivered') return next({ ...command, ref: { by: 'id', value: record.id } } as Command, route);
    if (command.kind === 'get') return { result: pendingInteraction(id, record), backend: record.backend };
    throw new GatewayError('upstream_unavailable', `Interaction ${id} is queued for delivery; try again shortly`, { retryAfterSeconds: 1, applied: 'no' });
  }

  /** A get by externalId the upstream cannot answer may name a create still in the queue. */
  async function getByExternalId(command: GetCommand, route: Route, next: Next): Promise<Outcome> {
    try {
      return await next(command, route);
    } catch (err) {
      const error = toGatewayError(err);
      if (!error.retryable && error.code !== 'not_found') throw error;
      const id = await outbox.reservedFor(route.backend, command.service, command.ref.value);
      if (id === undefined) throw error;
      return byReservedId(command, route, id, next);
    }
  }

  return {
    name: 'outbox',
    // Only a backend with an outbox, or a reserved id (whatever backend the command is routed to), concerns it.
    applies: (command, route) => backends.has(route.backend) || ('ref' in command && command.ref.by === 'id' && isReservedId(command.ref.value)),
    run(command, route, next) {
      if (command.kind === 'create') return backends.has(route.backend) ? create(command, route, next) : next(command, route);
      if (!('ref' in command)) return next(command, route);
      if (command.ref.by === 'id') return isReservedId(command.ref.value) ? byReservedId(command, route, command.ref.value, next) : next(command, route);
      return command.kind === 'get' && backends.has(route.backend) ? getByExternalId(command, route, next) : next(command, route);
    },
  };
}
