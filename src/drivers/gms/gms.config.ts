import { z } from 'zod';
import { httpBackendOptions } from '../http/http-backend.config';

/**
 * `backends.<name>` with `driver: gms` (DESIGN §5, §6); `baseUrl` ends in `/genesys/2/openmedia`.
 * `gmsUser` is sent as the `gms_user` header on every call; without it the caller's own `gms_user` (a GMS client
 * talking to the gateway) is passed through.
 */
export const gmsDriverConfigSchema = z
  .object({
    driver: z.literal('gms'),
    ...httpBackendOptions,
    basicAuth: z.object({ username: z.string().min(1), password: z.string() }).strict().optional(),
    gmsUser: z.string().min(1).optional(),
  })
  .strict();

export type GmsDriverConfig = z.infer<typeof gmsDriverConfigSchema>;
