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
  z
    .object({
      kind: z.literal('sqlite'),
      path: z.string().min(1),
      /** How long a write waits for another process's write lock on the file before answering try-again. */
      busyTimeoutMs: intValue(0, 60_000).default(5000),
    })
    .strict(),
  z
    .object({
      kind: z.literal('redis'),
      url: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL'),
      /** Before every key: several gateway deployments (or other applications) can share one Redis. */
      keyPrefix: z.string().default('omgw:'),
      /** One command's deadline; past it the caller is answered try-again. */
      timeoutMs: intValue(1, 60_000).default(2000),
    })
    .strict(),
]);

export type StoreConfig = z.output<typeof storeConfigSchema>;
