import { z } from 'zod';
import { intValue } from '../config/coerce';
import { DEFAULT_MEMORY_STATE_LIMITS } from './memory.state-store';

/** `store:` (DESIGN §6/§7): where the gateway keeps its own state. memory is one process; sqlite one machine; redis many. */
export const storeConfigSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('memory'),
      maxEntries: intValue(1).default(DEFAULT_MEMORY_STATE_LIMITS.maxEntries),
      maxBytes: intValue(1).default(DEFAULT_MEMORY_STATE_LIMITS.maxBytes),
    })
    .strict(),
  z.object({ kind: z.literal('sqlite'), path: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('redis'), url: z.string().min(1) }).strict(),
]);

export type StoreConfig = z.output<typeof storeConfigSchema>;
