import { z } from 'zod';
import { httpBackendOptions } from '../http/http-backend.config';

/**
 * The REST framework version the driver speaks, sent as REST-Framework-Version on every call. Pinned: a tenant's
 * default changes with its release, and with it the shape of collections and the `q` syntax. Version 2 and later
 * take `q` as a row-match expression (`OriginalSystemReference='…'`), which this driver writes.
 */
export const DEFAULT_FRAMEWORK_VERSION = '4';

/**
 * `backends.<name>` with `driver: oracle` (DESIGN §5, §6); `baseUrl` ends in `/crmRestApi/resources/11.13.18.05`.
 * Basic credentials or an OAuth bearer token, not both; with neither the calls carry no credential (a sandbox).
 */
export const oracleDriverConfigSchema = z
  .object({
    driver: z.literal('oracle'),
    ...httpBackendOptions,
    basicAuth: z.object({ username: z.string().min(1), password: z.string() }).strict().optional(),
    bearerToken: z.string().min(1).optional(),
    frameworkVersion: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().regex(/^[1-9]\d*$/, 'expected a version number such as 4')).default(DEFAULT_FRAMEWORK_VERSION),
    /** ChannelTypeCd of creates that do not name one (an Oracle client's own `oracle.ChannelTypeCd`). */
    channelType: z.string().min(1).default('ORA_SVC_WEB'),
    /** DirectionCd of creates that do not name one. */
    direction: z.string().min(1).default('ORA_SVC_INBOUND'),
  })
  .strict()
  .refine((c) => !(c.basicAuth && c.bearerToken), { message: 'basicAuth and bearerToken are exclusive: configure one', path: ['bearerToken'] });

export type OracleDriverConfig = z.infer<typeof oracleDriverConfigSchema>;
