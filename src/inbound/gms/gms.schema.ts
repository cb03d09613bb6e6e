import { z } from 'zod';
import { invalid } from '../../core/errors';
import { isParsedGroup, type FormObject } from '../../http/form';

/** A parsed form holds strings and nested objects only; anything else (an array from `k=1&k[a]=2`) is malformed. */
function isFormObject(value: unknown): value is FormObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // for…in rather than Object.values (no array per object); the parser's objects inherit nothing, nor do
  // null-prototype ones; Object.values is used for anything else so an inherited property is never read.
  if (isParsedGroup(value) || Object.getPrototypeOf(value) === null) {
    for (const key in value) {
      const v = (value as Record<string, unknown>)[key];
      if (typeof v !== 'string' && !isFormObject(v)) return false;
    }
    return true;
  }
  for (const v of Object.values(value)) if (typeof v !== 'string' && !isFormObject(v)) return false;
  return true;
}

/**
 * Bracketed groups (`userData[k]`, `change[k]`, `delete[k]`) are checked in place rather than rebuilt, so the
 * parser's null-prototype objects and key order reach the user-data conversion unchanged.
 */
const group = (name: string) => z.custom<FormObject>(isFormObject, { error: `must be sent as ${name}[key]=value` });
const text = z.string({ error: 'must be a single value' });
/**
 * "if you omit this option's value, this option is false" (spec, Get): an empty value counts as omitted. GMS is a
 * Java servlet and reads the flag as Boolean.parseBoolean does, in any case (`TRUE`, `False`); anything else is
 * refused rather than silently read as false.
 */
const searchByExternalId = z
  .string({ error: 'must be true or false' })
  .regex(/^(?:true|false)?$/i, { error: 'must be true or false' })
  .optional();

/** Create (spec: "Create an Open Media Interaction"). Both spellings of the subtype appear in the spec. */
export const gmsCreateFormSchema = z.object({
  externalId: text.optional(),
  interactionType: text.optional(),
  interactionSubType: text.optional(),
  interactionSubtype: text.optional(),
  mediaType: text.optional(),
  userData: group('userData').optional(),
});
export type GmsCreateForm = z.infer<typeof gmsCreateFormSchema>;

const CREATE_TEXT_FIELDS = ['externalId', 'interactionType', 'interactionSubType', 'interactionSubtype', 'mediaType'] as const;

/**
 * gmsCreateFormSchema without zod for the form every create sends: each field absent or well-formed. Such a form
 * is its own reading (its other keys are ignored by the mapper as zod would strip them); anything else goes to
 * zod, whose first issue stays the error. Zod's parse allocates its context, issue list and a copy of the form
 * on every create.
 */
export function parseGmsCreateForm(form: FormObject): GmsCreateForm {
  for (const name of CREATE_TEXT_FIELDS) {
    const value = form[name];
    if (value !== undefined && typeof value !== 'string') return parseGmsForm(gmsCreateFormSchema, form);
  }
  const userData = form.userData;
  if (userData !== undefined && !isFormObject(userData)) return parseGmsForm(gmsCreateFormSchema, form);
  return form as GmsCreateForm;
}

export const gmsGetFormSchema = z.object({ searchByExternalId });
export type GmsGetForm = z.infer<typeof gmsGetFormSchema>;

/** Update: at least one change or delete is required, checked by the mapper where both are known. */
export const gmsUpdateFormSchema = z.object({
  searchByExternalId,
  change: group('change').optional(),
  delete: group('delete').optional(),
});
export type GmsUpdateForm = z.infer<typeof gmsUpdateFormSchema>;

/** Stop: the spec's table says reasonSystemName/reasonDescription, its example sends reason/description. */
export const gmsStopFormSchema = z.object({
  searchByExternalId,
  reasonSystemName: text.optional(),
  reasonDescription: text.optional(),
  reason: text.optional(),
  description: text.optional(),
});
export type GmsStopForm = z.infer<typeof gmsStopFormSchema>;

/** Validates a parsed form; the first problem becomes invalid_request naming the parameter as it was sent. */
export function parseGmsForm<T>(schema: z.ZodType<T>, form: FormObject): T {
  const result = schema.safeParse(form);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = formFieldName(issue?.path ?? []);
  throw invalid(`Parameter "${field}" ${issue?.message ?? 'is invalid'}`, field);
}

/** ['userData', 'a'] → `userData[a]`, the form's own spelling. */
function formFieldName(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return (head ?? '') + rest.map((p) => `[${p}]`).join('');
}
