import { z } from 'zod';
import { boolValue } from '../../config/coerce';

export const vspInboundConfigSchema = z
  .object({
    enabled: boolValue().default(true),
    service: z.string().min(1).default('vsp'),
    appAccessKeys: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type VspInboundConfig = z.infer<typeof vspInboundConfigSchema>;
