import { z } from 'zod';

/**
 * The shapes of GMS answers the driver reads (specs/gms-openmedia.md). Unknown fields are ignored.
 */
export const gmsAnswerSchema = z.looseObject({
  statusCode: z.number().int(),
  errors: z.array(z.looseObject({ code: z.number().int().optional(), advice: z.unknown() })).optional(),
});

export const gmsCreatedSchema = z.looseObject({ interactionId: z.string().min(1) });

export interface GmsUserDataEntry {
  key: string;
  type: string;
  /** A bigint is an integer past 2^53, read exactly (http/json-exact.ts). */
  value: string | number | bigint | boolean | GmsUserDataEntry[];
}

const gmsUserDataEntrySchema: z.ZodType<GmsUserDataEntry> = z.looseObject({
  key: z.string(),
  type: z.string(),
  value: z.union([z.string(), z.number(), z.bigint(), z.boolean(), z.array(z.lazy(() => gmsUserDataEntrySchema))]),
});

const text = z.string().optional();

export const gmsPropertiesAnswerSchema = z.looseObject({
  interactionProperties: z.looseObject({
    interactionId: z.string().min(1),
    interactionType: text,
    interactionSubtype: text,
    interactionMediatype: text,
    interactionState: text,
    interactionQueue: text,
    interactionReceivedAt: text,
    interactionSubmittedAt: text,
    interactionPlacedInQueueAt: text,
    interactionUserData: z.array(gmsUserDataEntrySchema).optional(),
    interactionTenantId: z.union([z.number(), z.string()]).optional(),
    interactionSubmittedBy: text,
    interactionSubmitSeq: z.union([z.string(), z.number()]).optional(),
    interactionMovedToQueueAt: text,
    interactionPlaceInQueueSeq: z.union([z.string(), z.number()]).optional(),
  }),
});
