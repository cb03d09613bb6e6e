import { z } from 'zod';
import { boolValue, intValue } from '../../config/coerce';

/** Options every HTTP driver takes, merged into its own config schema. */
export const httpBackendOptions = {
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Per attempt; GMS's own default. */
  timeoutMs: intValue(1).default(10000),
  /** Extra attempts for requests that are safe to repeat. */
  retries: intValue(0).default(2),
  /** Consecutive failures that open the circuit breaker, and how long it stays open before one trial call. */
  breakerThreshold: intValue(1).default(5),
  breakerResetMs: intValue(1).default(5000),
  /** Keep-alive connections per backend. */
  connections: intValue(1).default(64),
  /**
   * Creates without an externalId get one the gateway makes up, so a repeat is recognised and an unknown outcome
   * can be resolved (core/assign-external-id.stage.ts says the trade-off).
   */
  assignExternalId: boolValue().default(false),
  /**
   * DESIGN §6/§7: creates (with an externalId or an Idempotency-Key) this backend cannot take now are queued durably
   * in the state store, answered as accepted, and delivered when it is back (core/outbox.stage.ts).
   */
  outbox: boolValue().default(false),
};
