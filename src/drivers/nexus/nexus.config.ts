import { z } from 'zod';
import { httpBackendOptions } from '../http/http-backend.config';

/**
 * How a canonical `upsert` (GMS change[k], Workspace UpdateUserData) reaches Nexus, which only knows
 * changedProperties and addedProperties (DESIGN §5):
 * - `lookup` reads the interaction once and sends present keys as changed, absent ones as added;
 * - `changed` / `added` send every key one way, for an upstream known to treat both as upsert (no extra GET).
 */
export const UPSERT_STRATEGIES = ['lookup', 'changed', 'added'] as const;
export type UpsertStrategy = (typeof UPSERT_STRATEGIES)[number];

/** `backends.<name>` with `driver: nexus` (DESIGN §6); `baseUrl` ends in `/nexus/v3`. */
export const nexusDriverConfigSchema = z
  .object({
    driver: z.literal('nexus'),
    ...httpBackendOptions,
    apiKey: z.string().min(1),
    upsertStrategy: z.enum(UPSERT_STRATEGIES).default('lookup'),
  })
  .strict();

export type NexusDriverConfig = z.infer<typeof nexusDriverConfigSchema>;
