import { z } from 'zod';
import { boolValue } from '../../config/coerce';
import { basicUsersSchema } from '../../http/credentials';

/**
 * `inbound.wwe`: agents (user name → password or { password, services }; with none, the sandbox accepts any user
 * name), and `service`, where an interaction named by id alone is looked for when the id index does not know it
 * (`*`: only the index and the backends that know their own ids).
 */
export const wweInboundConfigSchema = z
  .object({
    enabled: boolValue().default(true),
    users: basicUsersSchema.optional(),
    service: z
      .string()
      .min(1)
      .refine((s) => s === '*' || !s.includes('*'), 'a service name, or "*" alone')
      .default('*'),
  })
  .strict();
export type WweInboundConfig = z.infer<typeof wweInboundConfigSchema>;
