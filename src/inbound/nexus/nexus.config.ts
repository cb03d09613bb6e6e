import { z } from 'zod';
import { boolValue } from '../../config/coerce';
import { scopeSchema } from '../../http/credentials';

/**
 * `inbound.nexus` (DESIGN §6): `apiKeys` maps each accepted x-api-key to the service patterns it may use (and
 * optionally its own rate limit);
 * without it any non-empty key is accepted, as a sandbox.
 */
export const nexusInboundConfigSchema = z
  .object({
    enabled: boolValue().default(true),
    apiKeys: z.record(z.string(), scopeSchema).optional(),
  })
  .strict();

export type NexusInboundConfig = z.infer<typeof nexusInboundConfigSchema>;
