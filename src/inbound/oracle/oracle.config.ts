import { z } from 'zod';
import { boolValue } from '../../config/coerce';

export const oracleInboundConfigSchema = z
  .object({
    enabled: boolValue().default(true),
    service: z.string().min(1).default('crm'),
    basicAuth: z.object({ users: z.record(z.string(), z.string()) }).strict().optional(),
    bearerTokens: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type OracleInboundConfig = z.infer<typeof oracleInboundConfigSchema>;
