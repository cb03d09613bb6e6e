import { z } from 'zod';
import { boolValue } from '../../config/coerce';

/** A credential's service scope: patterns where `*` matches any run of characters (DESIGN §6). */
const services = z.array(z.string().min(1)).min(1).default(['*']);

/** `users.<name>: "<password>" | { password, services }` (DESIGN §6, every credential may carry a scope). */
const basicUser = z.union([z.string(), z.object({ password: z.string(), services }).strict()]);

/** A bearer token alone (every service), or with its scope. */
const bearerToken = z.union([z.string().min(1), z.object({ token: z.string().min(1), services }).strict()]);

/**
 * `inbound.oracle` (DESIGN §4 oracle, "Which service?"): creates land in `service`; without `basicAuth` and
 * `bearerTokens` the dialect is open, like the sandbox.
 */
export const oracleInboundConfigSchema = z
  .object({
    enabled: boolValue().default(true),
    service: z.string().min(1).default('crm'),
    basicAuth: z.object({ users: z.record(z.string(), basicUser) }).strict().optional(),
    bearerTokens: z.array(bearerToken).optional(),
  })
  .strict();
export type OracleInboundConfig = z.infer<typeof oracleInboundConfigSchema>;
