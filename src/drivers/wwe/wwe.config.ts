import { z } from 'zod';
import { httpBackendOptions } from '../http/http-backend.config';

/**
 * `backends.<name>` with `driver: wwe` (DESIGN §5, §6): `baseUrl` ends in `/api/v2`; `basicAuth` is the Workspace
 * agent the gateway acts as. Workspace has no create: open media interactions reach it through other channels.
 */
export const wweDriverConfigSchema = z
  .object({
    driver: z.literal('wwe'),
    ...httpBackendOptions,
    basicAuth: z.object({ username: z.string().regex(/^[^:]+$/, 'a user name is non-empty and holds no ":"'), password: z.string() }).strict(),
  })
  .strict();

export type WweDriverConfig = z.infer<typeof wweDriverConfigSchema>;
