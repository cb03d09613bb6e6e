import { z } from 'zod';
import { boolValue } from '../../config/coerce';
import { accessKeysSchema } from '../../http/credentials';

/**
 * `inbound.vsp` (DESIGN §6): the service VSP creates land in, the accepted AppAccessKeys (none: any non-empty key,
 * with a warning at start) and, optionally, the gateway's public base URL for the InteractionUrl it answers (absent:
 * built from the request's validated Host header, over http).
 */
export const vspInboundConfigSchema = z
  .object({
    enabled: boolValue().default(true),
    service: z.string().min(1).default('vsp'),
    /** Each key alone (any service), or with the service patterns it may create in and its own rate limit (DESIGN §6). */
    appAccessKeys: accessKeysSchema.default([]),
    publicBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();
export type VspInboundConfig = z.infer<typeof vspInboundConfigSchema>;
