import { z } from 'zod';
import type { Retention } from './memory.store';

/** DESIGN §4: stopped interactions stay readable for 24 h or 10 000 interactions, whichever ends first. */
export const DEFAULT_RETENTION: Retention = { maxStoppedAgeMs: 24 * 60 * 60 * 1000, maxStopped: 10_000 };

// Numbers are coerced because `${VAR}` interpolation leaves strings in the config (DESIGN §6).
export const memoryConfigSchema = z
  .object({
    driver: z.literal('memory'),
    retention: z
      .object({
        maxStoppedAgeMs: z.coerce.number().int().nonnegative().default(DEFAULT_RETENTION.maxStoppedAgeMs),
        maxStopped: z.coerce.number().int().nonnegative().default(DEFAULT_RETENTION.maxStopped),
      })
      .strict()
      .optional(),
  })
  .strict();

export type MemoryDriverConfig = z.infer<typeof memoryConfigSchema>;
