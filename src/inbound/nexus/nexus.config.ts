import { z } from 'zod';
import { boolValue } from '../../config/coerce';

/**
 * `inbound.nexus` (DESIGN §6): `apiKeys` maps each accepted x-api-key to the service patterns it may use;
 * without it any non-empty key is accepted, as a sandbox.
 */
export const nexusInboundConfigSchema = z
  .object({
    enabled: boolValue().default(true),
    apiKeys: z
      .record(z.string(), z.object({ services: z.array(z.string()).default(['*']) }).strict())
      .optional(),
  })
  .strict();

export type NexusInboundConfig = z.infer<typeof nexusInboundConfigSchema>;
