import type { BreakerState } from './upstream';

/** How one attempt's end weighs on the breaker: only the upstream's own failures count against it. */
export type BreakerVerdict = 'success' | 'failure' | 'neutral';

/** Proof of admission handed back on settle, so results of attempts admitted in an earlier closed period are ignored. */
export type BreakerTicket = number;

export interface Breaker {
  state(): BreakerState;
  /** Undefined when the call must fail fast without I/O. */
  admit(): BreakerTicket | undefined;
  settle(ticket: BreakerTicket, verdict: BreakerVerdict): void;
  /** While open, how long until a trial call is let through. */
  msUntilTrial(): number;
}

export interface BreakerOptions {
  threshold: number;
  resetMs: number;
  now: () => number;
  onChange: (state: BreakerState) => void;
}

const TRIAL: BreakerTicket = -1;

/**
 * Consecutive-failure breaker. Half-open admits exactly one trial: letting a burst through to an upstream that
 * is just recovering is what keeps it down.
 */
export function createBreaker({ threshold, resetMs, now, onChange }: BreakerOptions): Breaker {
  let current: BreakerState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let closedEpoch = 0;
  let trialInFlight = false;

  const moveTo = (next: BreakerState): void => {
    current = next;
    if (next === 'open') openedAt = now();
    if (next === 'closed') {
      failures = 0;
      closedEpoch += 1;
    }
    onChange(next);
  };

  // Open → half-open happens when someone looks, so the breaker needs no timer to clean up.
  const refresh = (): BreakerState => {
    if (current === 'open' && now() - openedAt >= resetMs) {
      trialInFlight = false;
      moveTo('half-open');
    }
    return current;
  };

  return {
    state: refresh,
    admit() {
      const state = refresh();
      if (state === 'closed') return closedEpoch;
      if (state === 'open' || trialInFlight) return undefined;
      trialInFlight = true;
      return TRIAL;
    },
    settle(ticket, verdict) {
      if (ticket === TRIAL) {
        trialInFlight = false;
        if (verdict === 'success') moveTo('closed');
        else if (verdict === 'failure') moveTo('open');
        return;
      }
      if (current !== 'closed' || ticket !== closedEpoch || verdict === 'neutral') return;
      if (verdict === 'success') {
        failures = 0;
        return;
      }
      failures += 1;
      if (failures >= threshold) moveTo('open');
    },
    msUntilTrial: () => (refresh() === 'open' ? Math.max(0, openedAt + resetMs - now()) : 0),
  };
}
