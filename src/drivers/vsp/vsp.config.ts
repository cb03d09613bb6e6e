import { z } from 'zod';
import { canonicalGuid } from '../../core/guid';
import { httpBackendOptions } from '../http/http-backend.config';

/** A GUID in any form .NET parses, kept in its canonical lower-case D form. */
const guid = () =>
  z
    .string()
    .refine((text) => canonicalGuid(text) !== undefined, { error: 'expected a GUID' })
    .transform((text) => canonicalGuid(text)!);

export const VSP_FORMATS = ['json', 'xml'] as const;

/**
 * `backends.<name>` with `driver: vsp` (DESIGN §5, §6); `baseUrl` ends in `/api`. The account, contact, tenant and
 * group keys are the defaults of every create, used where the command's user data holds no GUID of its own.
 */
export const vspDriverConfigSchema = z
  .object({
    driver: z.literal('vsp'),
    ...httpBackendOptions,
    appAccessKey: z.string().min(1),
    accountId: guid(),
    contactId: guid(),
    tenantKey: guid().optional(),
    groupKey: guid().optional(),
    /** The body format sent (and asked for in Accept); VSP reads both. */
    format: z.enum(VSP_FORMATS).default('json'),
  })
  .strict();

export type VspDriverConfig = z.infer<typeof vspDriverConfigSchema>;
