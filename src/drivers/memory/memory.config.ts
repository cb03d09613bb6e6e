import { z } from 'zod';
import { intValue } from '../../config/coerce';
import type { Retention } from './memory.store';

/** DESIGN §4: stopped interactions stay readable for 24 h or 10 000 interactions, whichever ends first. */
export const DEFAULT_RETENTION: Retention = { maxStoppedAgeMs: 24 * 60 * 60 * 1000, maxStopped: 10_000 };

/** Bounds memory (about 1 KiB an interaction): a runaway client cannot exhaust the gateway's heap. */
export const DEFAULT_MAX_LIVE = 1_000_000;

// Numbers accept their string form: `${VAR}` interpolation leaves strings in the config (DESIGN §6).
export const memoryConfigSchema = z
  .object({
    driver: z.literal('memory'),
    /** Live interactions held at most (default DEFAULT_MAX_LIVE); past it creates answer "try again" until some stop. */
    maxLive: intValue(1).optional(),
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
