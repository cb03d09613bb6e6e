import { z } from 'zod';
import { intValue, numberValue } from '../config/coerce';

/** A token bucket: `rate` requests per second on average, up to `burst` at once (DESIGN §6 `server.rateLimit`). */
export const rateLimitSchema = z
  .object({
    rate: numberValue(0.001),
    burst: intValue(1),
  })
  .strict();

export type RateLimitSpec = z.infer<typeof rateLimitSchema>;
