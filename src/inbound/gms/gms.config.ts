import { z } from 'zod';
import { boolValue } from '../../config/coerce';

/** `inbound.gms` (DESIGN §6). Without `basicAuth` the dialect is open, as GMS is by default. */
export const gmsInboundConfigSchema = z
  .object({
    enabled: boolValue().default(true),
    basicAuth: z.object({ users: z.record(z.string(), z.string()) }).strict().optional(),
  })
  .strict();

export type GmsInboundConfig = z.infer<typeof gmsInboundConfigSchema>;
