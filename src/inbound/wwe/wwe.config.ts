import { z } from 'zod';
import { boolValue } from '../../config/coerce';
import { basicUsersSchema } from '../../http/credentials';

/** Workspace agents: user name → password or { password, services }; with none, the sandbox accepts any user name. */
export const wweInboundConfigSchema = z
  .object({
    enabled: boolValue().default(true),
    users: basicUsersSchema.optional(),
    service: z.string().min(1).default('*'),
  })
  .strict();
export type WweInboundConfig = z.infer<typeof wweInboundConfigSchema>;
