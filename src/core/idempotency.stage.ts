import type { Command } from './command';
import type { Route } from './dispatcher';
import { GatewayError, invalid, toGatewayError } from './errors';
import { digest, fingerprintOf } from './fingerprint';
import { errorOf, IdempotencyRecords, replayOf, type Held } from './idempotency';
import type { Interaction } from './interaction';
import type { Logger } from './logger';
import type { Next, Outcome, Stage } from './pipeline';
import type { StateStore } from './state-store';

export interface IdempotencyOptions {
  /** How long a settled record answers retries (config `idempotency.ttlMs`, default 24 h). */
  ttlMs: number;
  /** How long a retry waits for the first try still running before it answers "in progress" (`idempotency.waitMs`). */
  waitMs: number;
  /** The longest a request may run (server.requestTimeoutMs): a claim lapses some time after it. */
  requestTimeoutMs: number;
  logger: Logger;
  now?: () => number;
}

export const DEFAULT_IDEMPOTENCY = { ttlMs: 24 * 60 * 60 * 1000, waitMs: 2000 } as const;

/** Beyond the request's deadline, how long a claim still holds: its owner may be settling the record. */
const CLAIM_MARGIN_MS = 5000;
const POLL_FIRST_MS = 10;
const POLL_MAX_MS = 200;
const MAX_TURNS = 5;
const WRITES = new Set<Command['kind']>(['create', 'update', 'stop', 'agent']);

/**
 * Which record a command is answered from: an explicit Idempotency-Key on any write (IETF draft -07), else a
 * create's externalId (DESIGN §4, §7). Scoped per client (dialect and API key label, Basic user or anonymous) and
 * service: one client's key never answers another's request.
 */
interface RecordKey {
  store: string;
  by: 'key' | 'externalId';
}

function recordKeyOf(command: Command): RecordKey | undefined {
  const { context } = command;
  if (context.idempotencyKey !== undefined && WRITES.has(command.kind)) {
    return { store: `idem:${digest(JSON.stringify([context.dialect, context.client ?? '', command.service, 'key', context.idempotencyKey]))}`, by: 'key' };
  }
  if (command.kind === 'create' && command.externalId !== undefined) {
    return { store: `idem:${digest(JSON.stringify([context.dialect, context.client ?? '', command.service, 'ext', command.externalId]))}`, by: 'externalId' };
  }
  return undefined;
}

const inProgress = (): GatewayError =>
  new GatewayError('conflict', 'A request with this idempotency key is still in progress; try again shortly', { reason: 'in_progress', retryAfterSeconds: 1 });

const keyReused = (): GatewayError => {
  const err = invalid('This Idempotency-Key was already used for a different request', 'Idempotency-Key');
  return new GatewayError(err.code, err.message, { ...err.details, reason: 'idempotency_key_reused' });
};

const duplicate = (externalId: string): GatewayError =>
  new GatewayError('already_exists', `An interaction with externalId ${externalId} already exists`, { subject: 'interaction', ref: externalId });

/** A failure that is the request's final answer is stored (IETF draft -07 §2.6); one worth retrying is not. */
const isFinal = (error: GatewayError): boolean => !error.retryable && error.code !== 'internal' && error.details.reason !== 'in_progress';

/**
 * A retried write is answered from the first one's record, never run twice (DESIGN §7). Commands without a key
 * pass straight through: the hot path does not touch the store.
 */
export function idempotencyStage(store: StateStore, options: IdempotencyOptions): Stage {
  const now = options.now ?? Date.now;
  const records = new IdempotencyRecords(store, { ttlMs: options.ttlMs, pendingMs: options.requestTimeoutMs + CLAIM_MARGIN_MS, now });
  const { logger } = options;

  /**
   * Runs the command under this try's claim and settles the record with what it answered. `taken`: a claim this
   * try already holds (a takeover); without one the key is claimed here first, so the usual case (a key seen for
   * the first time) pays this one async level: every level is a promise, a frame and a microtask turn per await.
   * The write has run: failing to record it must not turn its answer into an error. A retry then runs it again,
   * which an externalId makes harmless (the upstream refuses a second one and the duplicate is resolved).
   */
  async function runClaimed(command: Command, route: Route, next: Next, key: RecordKey, fp: string, taken: Held | undefined, resumed: boolean): Promise<Outcome> {
    let claim = taken;
    if (claim === undefined) {
      const fresh = records.newClaim(key.store, fp);
      if (!(await records.place(fresh))) return await answerHeld(command, route, next, key, fp);
      claim = fresh;
    }
    let outcome: Outcome;
    // The claim rides on the request's own context while the command runs, and is taken off again after: no copy
    // of the command and its context per idempotent create. A dialect runs one write at a time on a context; should
    // a context already carry a claim (a second claimed write on it while the first runs), this one gets a copy.
    const borrowed = command.context.claimId === undefined;
    const context = borrowed ? command.context : { ...command.context };
    const { priorOutcomeUnknown } = context;
    const claimId = claim.record.s === 'pending' ? claim.record.g : undefined;
    context.claimId = claimId;
    if (resumed) context.priorOutcomeUnknown = true;
    try {
      try {
        outcome = await next(borrowed ? command : ({ ...command, context } as Command), route);
      } finally {
        if (borrowed && context.claimId === claimId) {
          context.claimId = undefined;
          context.priorOutcomeUnknown = priorOutcomeUnknown;
        }
      }
    } catch (err) {
      const error = toGatewayError(err);
      try {
        const settled = await (error.details.applied === 'unknown'
          ? records.markUnknown(claim)
          : key.by === 'key' && isFinal(error)
            ? records.fail(claim, error)
            : records.release(claim));
        if (!settled) claimLapsed(command);
      } catch (settleError) {
        notRecorded(command, settleError);
      }
      throw error;
    }
    try {
      if (!(await records.complete(claim, outcome))) claimLapsed(command);
    } catch (err) {
      notRecorded(command, err);
    }
    return outcome;
  }

  const claimLapsed = (command: Command): void =>
    logger.warn('An idempotency claim lapsed before its request ended', { requestId: command.context.requestId });
  const notRecorded = (command: Command, err: unknown): void =>
    logger.warn('Could not record an idempotent request', { requestId: command.context.requestId, error: String(err) });

  /** A record of a create by externalId whose interaction has since stopped (or gone) no longer answers: DESIGN §7. */
  async function isStale(command: Command, route: Route, next: Next, held: Held): Promise<boolean> {
    if (held.record.s !== 'done') return false;
    const id = (held.record.r as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string') return false;
    const { idempotencyKey: _key, ...context } = command.context;
    try {
      const { result } = await next({ kind: 'get', service: command.service, context, ref: { by: 'id', value: id } }, route);
      return (result as Interaction).state === 'stopped';
    } catch (err) {
      return toGatewayError(err).code === 'not_found';
    }
  }

  /** Polls a pending record until it settles, the wait is over, or the caller's deadline is near. */
  async function awaitSettled(command: Command, held: Held): Promise<Held | undefined> {
    const until = Math.min(now() + options.waitMs, (command.context.deadline ?? Infinity) - POLL_MAX_MS);
    let pause = POLL_FIRST_MS;
    let current: Held | undefined = held;
    while (current?.record.s === 'pending' && !records.lapsed(current.record) && now() + pause < until) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(POLL_MAX_MS, pause * 2);
      current = await records.read(held.key);
    }
    return current;
  }

  /** Runs the command under a record another try left (unknown outcome, stale); undefined when a third was quicker. */
  async function takeOver(command: Command, route: Route, next: Next, key: RecordKey, fp: string, held: Held, resumed: boolean): Promise<Outcome | undefined> {
    const taken = await records.takeOver(held, fp, resumed);
    return taken ? await runClaimed(command, route, next, key, fp, taken, resumed) : undefined;
  }

  /**
   * A key another try holds (or held): the answer its record gives, or this try's run under a claim made again when
   * the record changed or went away. Bounded: each turn either answers or finds the record changed by another try.
   */
  async function answerHeld(command: Command, route: Route, next: Next, key: RecordKey, fp: string): Promise<Outcome> {
    let existing = await records.read(key.store);
    for (let turn = 0; turn < MAX_TURNS; turn += 1) {
      if (existing === undefined) {
        // Expired or settled away since: claimed again (or read again, if a third try was quicker).
        const claim = await records.claim(key.store, fp);
        if ('claimed' in claim) return await runClaimed(command, route, next, key, fp, claim.claimed, false);
        existing = claim.existing;
      }
      const answer = await answerFrom(command, route, next, key, fp, existing);
      if (answer !== undefined) return answer;
      existing = undefined;
    }
    throw inProgress();
  }

  /** The answer a record already there gives this try; undefined when the record changed and a new claim is due. */
  async function answerFrom(command: Command, route: Route, next: Next, key: RecordKey, fp: string, existing: Held): Promise<Outcome | undefined> {
    if (existing.record.fp !== fp && key.by === 'key') throw keyReused();
    // A record seen settling while this try waited is fresh: its interaction need not be checked.
    const fresh = existing.record.s === 'pending';
    const held = fresh ? await awaitSettled(command, existing) : existing;
    if (held === undefined) return undefined;
    const { record } = held;
    // The earlier try may have applied it (its outcome is unknown, or it died holding the claim): this one takes a
    // duplicate of that externalId as its own.
    if (record.s === 'unknown' || records.lapsed(record)) return takeOver(command, route, next, key, fp, held, record.fp === fp);
    if (record.s === 'pending') throw inProgress();
    if (record.fp !== fp) {
      if (key.by === 'key') throw keyReused();
      // Another create with this externalId: a duplicate while that interaction lives (DESIGN §4).
      if (fresh || !(await isStale(command, route, next, held))) throw duplicate((command as { externalId: string }).externalId);
      return takeOver(command, route, next, key, fp, held, false);
    }
    if (record.s === 'failed') throw errorOf(record);
    if (key.by === 'externalId' && !fresh && (await isStale(command, route, next, held))) return takeOver(command, route, next, key, fp, held, false);
    return replayOf(record);
  }

  return {
    name: 'idempotency',
    applies: (command) => (command.context.idempotencyKey !== undefined && WRITES.has(command.kind)) || (command.kind === 'create' && command.externalId !== undefined),
    // Not async: the claim and the run are one async level (runClaimed).
    run(command: Command, route: Route, next: Next): Promise<Outcome> {
      try {
        const key = recordKeyOf(command);
        return key === undefined ? next(command, route) : runClaimed(command, route, next, key, fingerprintOf(command), undefined, false);
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
}
