import { z } from 'zod';
import { boolValue } from '../../config/coerce';

/** Workspace agents: user name → password; with none, the sandbox accepts any user name. */
export const wweInboundConfigSchema = z
  .object({
    enabled: boolValue().default(true),
    users: z.record(z.string(), z.string()).optional(),
    service: z.string().min(1).default('*'),
  })
  .strict();
export type WweInboundConfig = z.infer<typeof wweInboundConfigSchema>;
