import { z } from 'zod';
import { invalid } from '../../core/errors';

/**
 * The request bodies of the Oracle CX `interactions` resource this gateway understands (specs/oracle-cx-
 * interactions.txt, "interactions-item-post-request"). Unknown fields are stripped (DESIGN §4: ignored); Oracle
 * treats `null` as "no value", so optional fields are `nullish`.
 */

const text = z.string().nullish();
const dateTime = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }).nullish();

/**
 * interactions-InteractionData-item-post-request: the key names the user-data entry; the value is typed later
 * by the shared user-data rules (which name the key when it is null or an array).
 */
export const dataRowSchema = z.object({
  DataKey: z.string().min(1, 'must not be empty'),
  DataValue: z.unknown(),
});
export type DataRow = z.infer<typeof dataRowSchema>;

export const createRequestSchema = z.object({
  ChannelTypeCd: text,
  DirectionCd: text,
  Description: text,
  OriginalSystemReference: z.string().min(1, 'must not be empty').nullish(),
  StartTime: dateTime,
  ParentInteractionId: z.number().int().positive().nullish(),
  InteractionData: z.array(dataRowSchema).nullish(),
});
export type CreateRequest = z.infer<typeof createRequestSchema>;

export const STATUS_OPEN = 'ORA_SVC_OPEN';
export const STATUS_CLOSED = 'ORA_SVC_CLOSED';

/** PATCH of an interaction: closing it, and rows to upsert; other attributes cannot change once created. */
export const patchRequestSchema = z.object({
  StatusCd: z.enum([STATUS_OPEN, STATUS_CLOSED], { error: `expected ${STATUS_OPEN} or ${STATUS_CLOSED}` }).nullish(),
  EndTime: dateTime,
  InteractionData: z.array(dataRowSchema).nullish(),
});
export type PatchRequest = z.infer<typeof patchRequestSchema>;

/** PATCH of one InteractionData row: its key is the path's. */
export const rowPatchSchema = z.object({ DataValue: z.unknown() });

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Validates a parsed body; an error names the field by its path in the body (`InteractionData.0.DataKey`). */
export function parseOracleRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (!isJsonObject(body)) throw invalid('Request body must be a JSON object');
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  throw invalid(`Invalid attribute "${field}": ${issue?.message ?? 'invalid value'}`, field);
}
