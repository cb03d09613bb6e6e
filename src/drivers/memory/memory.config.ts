import { z } from 'zod';
import { byteSizeValue, intValue } from '../../config/coerce';
import type { Retention } from './memory.store';

/** DESIGN §4: stopped interactions stay readable for 24 h or 10 000 interactions, whichever ends first. */
export const DEFAULT_RETENTION: Retention = { maxStoppedAgeMs: 24 * 60 * 60 * 1000, maxStopped: 10_000 };

/** Bounds the number of interactions: a runaway client cannot exhaust the gateway's heap with small ones. */
export const DEFAULT_MAX_LIVE = 1_000_000;

/** Bounds their size: user data of one interaction (key and value lengths), and everything held in all. */
export const DEFAULT_BYTE_LIMITS: ByteLimits = { maxUserDataBytes: 64 * 1024, maxBytes: 256 * 1024 * 1024 };

export interface ByteLimits {
  /** One interaction's user data; past it a create or update is refused as too large (413). */
  maxUserDataBytes: number;
  /** Every interaction held, live and retained stopped ones; past it writes answer "try again". */
  maxBytes: number;
}

// Numbers accept their string form: `${VAR}` interpolation leaves strings in the config (DESIGN §6).
export const memoryConfigSchema = z
  .object({
    driver: z.literal('memory'),
    /** Live interactions held at most (default DEFAULT_MAX_LIVE); past it creates answer "try again" until some stop. */
    maxLive: intValue(1).optional(),
    /** One interaction's user data (default 64kb); past it a create or update answers 413. */
    maxUserDataBytes: byteSizeValue().optional(),
    /** Everything held (default 256mb); past it writes answer "try again" once no stopped interaction can go. */
    maxBytes: byteSizeValue().optional(),
    retention: z
      .object({
        maxStoppedAgeMs: intValue(0).default(DEFAULT_RETENTION.maxStoppedAgeMs),
        maxStopped: intValue(0).default(DEFAULT_RETENTION.maxStopped),
      })
      .strict()
      .optional(),
  })
  .strict();

export type MemoryDriverConfig = z.infer<typeof memoryConfigSchema>;
