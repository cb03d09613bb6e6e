import { z } from 'zod';
import { boolValue } from '../../config/coerce';
import { basicUsersSchema, bearerTokensSchema } from '../../http/credentials';

/**
 * `inbound.oracle` (DESIGN §4 oracle, "Which service?"): creates land in `service`; without `basicAuth` and
 * `bearerTokens` the dialect is open, like the sandbox.
 */
export const oracleInboundConfigSchema = z
  .object({
    enabled: boolValue().default(true),
    service: z.string().min(1).default('crm'),
    basicAuth: z.object({ users: basicUsersSchema }).strict().optional(),
    bearerTokens: bearerTokensSchema.optional(),
  })
  .strict();
export type OracleInboundConfig = z.infer<typeof oracleInboundConfigSchema>;
