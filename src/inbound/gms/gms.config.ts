import { z } from 'zod';
import { boolValue } from '../../config/coerce';
import { basicUsersSchema } from '../../http/credentials';

/** `inbound.gms` (DESIGN §6). Without `basicAuth` the dialect is open, as GMS is by default. */
export const gmsInboundConfigSchema = z
  .object({
    enabled: boolValue().default(true),
    basicAuth: z.object({ users: basicUsersSchema }).strict().optional(),
  })
  .strict();

export type GmsInboundConfig = z.infer<typeof gmsInboundConfigSchema>;
