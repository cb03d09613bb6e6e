import { randomUUID } from 'node:crypto';
import { GatewayError, type ErrorCode, type ErrorDetails } from './errors';
import { jsonString } from './json-text';
import type { Outcome } from './pipeline';
import type { StateStore } from './state-store';

/**
 * Idempotency records (DESIGN §7; IETF draft-ietf-httpapi-idempotency-key-header-07) on the state store's
 * primitives, so every store kind shares them and several replicas on one store see the same records:
 * - claim: setIfAbsent → `pending` {fingerprint, owner, startedAt}; a claim older than its lease (`pendingMs`)
 *   has lapsed — its owner died or hung — and the next try takes it over as an unknown outcome, instead of being
 *   blocked for the whole TTL or running as if nothing had been sent;
 * - settle: compareAndSet pending → `done` (the result) or `failed` (a final error), for the whole TTL;
 * - release: delete(expected) when the failure is worth retrying (nothing is stored, the client may retry);
 * - unknown: compareAndSet pending → `unknown` when the upstream may have applied the write: the next try resolves
 *   the outcome instead of reporting the caller's own create as a duplicate.
 */

/** `g`: the claim id (CommandContext.claimId), kept by a takeover that resumes the try whose outcome is unknown. */
export type IdempotencyRecord =
  | { s: 'pending'; fp: string; owner: string; at: number; g: string }
  | { s: 'done'; fp: string; b: string; r?: unknown }
  | { s: 'failed'; fp: string; e: { code: ErrorCode; message: string; details: ErrorDetails } }
  | { s: 'unknown'; fp: string; g?: string };

/** A record as read, with its raw value: every change is a compare-and-set against it. */
export interface Held {
  key: string;
  raw: string;
  record: IdempotencyRecord;
}

export interface IdempotencyRecordsOptions {
  /** How long a settled record answers retries (default 24 h). */
  ttlMs: number;
  /** How long a claim holds before another try may take it over: the request's own deadline plus a margin. */
  pendingMs: number;
  now: () => number;
}

export class IdempotencyRecords {
  constructor(
    private readonly store: StateStore,
    private readonly options: IdempotencyRecordsOptions,
  ) {}

  /** This try's claim on `key`, or the record already there. */
  async claim(key: string, fp: string): Promise<{ claimed: Held } | { existing: Held }> {
    for (;;) {
      const pending = this.newClaim(key, fp);
      if (await this.place(pending)) return { claimed: pending };
      const existing = await this.read(key);
      // Expired or settled away between the two calls: claim again.
      if (existing) return { existing };
    }
  }

  /** A claim on `key` for this try, not yet placed. */
  newClaim(key: string, fp: string): Held {
    return this.pending(key, fp);
  }

  /** Places a new claim: false when a record is there already (claim() then reads it). */
  place(claim: Held): Promise<boolean> {
    return this.store.setIfAbsent(claim.key, claim.raw, this.options.ttlMs);
  }

  /**
   * Takes over a record whose outcome is unknown (or stale), for this try; undefined when another try was quicker.
   * `resume`: this try is a retry of the one that held it, and keeps its claim id.
   */
  async takeOver(held: Held, fp: string, resume = false): Promise<Held | undefined> {
    const { record } = held;
    const pending = this.pending(held.key, fp, resume && (record.s === 'pending' || record.s === 'unknown') ? record.g : undefined);
    return (await this.store.compareAndSet(held.key, held.raw, pending.raw, this.options.ttlMs)) ? pending : undefined;
  }

  /** A claim past its lease: its owner died or hung, and what it sent may have been applied. */
  lapsed(record: IdempotencyRecord): boolean {
    return record.s === 'pending' && record.at + this.options.pendingMs <= this.options.now();
  }

  async read(key: string): Promise<Held | undefined> {
    const raw = await this.store.get(key);
    return raw === undefined ? undefined : { key, raw, record: JSON.parse(raw) as IdempotencyRecord };
  }

  /** False when the claim had lapsed and another try holds the key now. */
  complete(claim: Held, outcome: Outcome): Promise<boolean> {
    const record: IdempotencyRecord = { s: 'done', fp: claim.record.fp, b: outcome.backend };
    if (outcome.result !== undefined) record.r = outcome.result;
    return this.settle(claim, record);
  }

  fail(claim: Held, error: GatewayError): Promise<boolean> {
    return this.settle(claim, { s: 'failed', fp: claim.record.fp, e: { code: error.code, message: error.message, details: error.details } });
  }

  markUnknown(claim: Held): Promise<boolean> {
    const record: IdempotencyRecord = { s: 'unknown', fp: claim.record.fp };
    if (claim.record.s === 'pending') record.g = claim.record.g;
    return this.settle(claim, record);
  }

  release(held: Held): Promise<boolean> {
    return this.store.delete(held.key, held.raw);
  }

  private settle(claim: Held, record: IdempotencyRecord): Promise<boolean> {
    return this.store.compareAndSet(claim.key, claim.raw, record.s === 'done' ? doneText(record) : JSON.stringify(record), this.options.ttlMs);
  }

  private pending(key: string, fp: string, claimId?: string): Held {
    const owner = randomUUID();
    const record: IdempotencyRecord = { s: 'pending', fp, owner, at: this.options.now(), g: claimId ?? owner };
    return { key, raw: pendingText(record), record };
  }
}

/*
 * The two records every idempotent create writes, in the text JSON.stringify gives their objects, written out:
 * V8's JSON.stringify of a small object costs several times a template (≈ 790 against 110 ns for a pending record,
 * whose `at` is a heap number; 470 against 210 ns for a settled one), on every such create. No escaping rule is
 * copied: a string needing any escape goes to JSON.stringify (json-text.ts), and so does the result. The texts
 * are compared with JSON.stringify's in test/unit/core/idempotency.test.ts.
 */
function pendingText(record: Extract<IdempotencyRecord, { s: 'pending' }>): string {
  return `{"s":"pending","fp":${jsonString(record.fp)},"owner":${jsonString(record.owner)},"at":${JSON.stringify(record.at)},"g":${jsonString(record.g)}}`;
}

function doneText(record: Extract<IdempotencyRecord, { s: 'done' }>): string {
  const head = `{"s":"done","fp":${jsonString(record.fp)},"b":${jsonString(record.b)}`;
  const result = record.r === undefined ? undefined : JSON.stringify(record.r);
  return result === undefined ? `${head}}` : `${head},"r":${result}}`;
}

/** What a settled record answers on replay. */
export function replayOf(record: Extract<IdempotencyRecord, { s: 'done' }>): Outcome {
  return { result: record.r as Outcome['result'], backend: record.b };
}

export function errorOf(record: Extract<IdempotencyRecord, { s: 'failed' }>): GatewayError {
  return new GatewayError(record.e.code, record.e.message, record.e.details);
}
