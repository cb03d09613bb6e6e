import { z } from 'zod';
import { invalid } from '../../core/errors';
import { readIsoDateTime } from './nexus.time';

export type JsonObject = Record<string, unknown>;

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * User-data objects pass through untouched: their values are typed by `userDataFromObject`, which names the
 * offending key, and a record schema would rebuild the object (a `__proto__` key would then vanish unseen).
 */
const userDataObject = z.custom<JsonObject>(isJsonObject, { error: 'expected an object' });

/**
 * Nexus v3 is a Java service: `null` for an optional field means "absent" there, so it does here (`nullish`).
 * Unknown fields are stripped (DESIGN §4: ignored).
 */
const optionalText = z.string().nullish();

/** createInteractionRequest (spec: POST /openmedia/{service}/interactions). */
export const createRequestSchema = z.object({
  externalId: z.string().min(1, 'must not be empty').nullish(),
  parentInteractionId: z.string().min(1, 'must not be empty').nullish(),
  receivedAt: z
    .string({ error: 'expected an ISO 8601 date-time' })
    .refine((t) => readIsoDateTime(t) !== undefined, { error: 'expected an ISO 8601 date-time, e.g. 2024-05-01T10:00:00Z' })
    .nullish(),
  userData: userDataObject.nullish(),
});
export type CreateRequest = z.infer<typeof createRequestSchema>;

/** changePropertiesRequest (spec: POST …/interactions/{id}/update). */
export const updateRequestSchema = z.object({
  changedProperties: userDataObject.nullish(),
  addedProperties: userDataObject.nullish(),
  deletedProperties: z.array(z.string()).nullish(),
});
export type UpdateRequest = z.infer<typeof updateRequestSchema>;

/** stopInteractionRequest (spec: POST …/interactions/{id}/stop). */
export const stopRequestSchema = z.object({
  reasonSystemName: optionalText,
  reasonDescription: optionalText,
});
export type StopRequest = z.infer<typeof stopRequestSchema>;

/**
 * Every Nexus request body may also come wrapped as `{"data": {…}}` (the spec lists `data` beside the fields
 * of each request). When `data` is present it is the request; an error names the field by its path in the body.
 */
export function parseNexusRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (!isJsonObject(body)) throw invalid('Request body must be a JSON object');
  let request: unknown = body;
  let prefix = '';
  if (Object.hasOwn(body, 'data') && body.data !== null && body.data !== undefined) {
    if (!isJsonObject(body.data)) throw invalid('Invalid field "data": expected an object', 'data');
    request = body.data;
    prefix = 'data.';
  }
  const parsed = schema.safeParse(request);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = prefix + (issue?.path.map(String).join('.') ?? '');
  throw invalid(`Invalid field "${field}": ${issue?.message ?? 'invalid value'}`, field);
}
