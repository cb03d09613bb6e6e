import type { CommandContext, CommandKind, CreateCommand, GetCommand, InteractionRef, StopCommand, UpdateCommand, UserDataChange } from '../../core/command';
import { EXTERNAL_ID_USER_DATA_KEY } from '../../core/command-rules';
import { invalid, type GatewayError } from '../../core/errors';
import type { Interaction, InteractionState } from '../../core/interaction';
import { orderedKeys } from '../../core/key-order';
import { assertSafeKey, userDataFromObject, type UserData, type UserDataEntry } from '../../core/user-data';
import { basicChallenge } from '../../http/basic-auth';
import { invalidRequestStatus } from '../../http/invalid-status';
import { parseForm, type FormCharset, type FormObject } from '../../http/form';
import type { OutboundResponse } from '../../http/wire';
import { gmsGetFormSchema, gmsStopFormSchema, gmsUpdateFormSchema, parseGmsCreateForm, parseGmsForm } from './gms.schema';

/** `…=x` left empty is treated as not sent: a blank form field names nothing. */
const given = (value: string | undefined): string | undefined => (value === '' ? undefined : value);

/** Copies only the fields that are set, so commands carry no `key: undefined`. */
function compact<T extends object>(value: T): T {
  // A plain loop: entries/filter/fromEntries allocated three arrays per command on the hot path.
  const out: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out as T;
}

const refOf = (id: string, searchByExternalId: string | undefined): InteractionRef => ({
  by: searchByExternalId?.toLowerCase() === 'true' ? 'externalId' : 'id',
  value: id,
});

/**
 * The spec's stop example sends its whole body percent-encoded (`reason%3DRSN-123%26description%3DORDER%2BCANCELLED`),
 * which parses as one key with an empty value; that key is itself the form, so it is parsed once more.
 */
export function unwrapEncodedForm(form: FormObject, maxFields: number, charset: FormCharset = 'utf-8'): FormObject {
  // The form's only key, found without Object.keys (no array for every form that has several).
  let only: string | undefined;
  for (const key in form) {
    if (only !== undefined) return form;
    only = key;
  }
  return only !== undefined && form[only] === '' && only.includes('=') ? parseForm(only, maxFields, charset) : form;
}

export function toCreateCommand(form: FormObject, service: string, context: CommandContext): CreateCommand {
  const f = parseGmsCreateForm(form);
  // Built field by field rather than compacted from a literal (one object, not two, per create); same key order.
  const command: CreateCommand = { kind: 'create', service, context } as CreateCommand;
  const externalId = given(f.externalId);
  const interactionType = given(f.interactionType);
  const interactionSubtype = given(f.interactionSubType) ?? given(f.interactionSubtype);
  const mediaType = given(f.mediaType);
  if (externalId !== undefined) command.externalId = externalId;
  if (interactionType !== undefined) command.interactionType = interactionType;
  if (interactionSubtype !== undefined) command.interactionSubtype = interactionSubtype;
  if (mediaType !== undefined) command.mediaType = mediaType;
  command.userData = f.userData ? userDataFromObject(f.userData) : [];
  command.extra = {};
  return command;
}

export function toGetCommand(form: FormObject, service: string, id: string, context: CommandContext): GetCommand {
  const f = parseGmsForm(gmsGetFormSchema, form);
  return { kind: 'get', service, context, ref: refOf(id, f.searchByExternalId) };
}

/** `change[k]=v` upserts (spec: "Adds or modifies"); `delete[k]=` removes k, its value "will be ignored". */
export function toUpdateCommand(form: FormObject, service: string, id: string, context: CommandContext): UpdateCommand {
  const f = parseGmsForm(gmsUpdateFormSchema, form);
  const changes: UserDataChange[] = [];
  const entries = f.change ? userDataFromObject(f.change, 'change') : [];
  if (entries.length > 0) changes.push({ op: 'upsert', entries });
  const keys = f.delete ? deleteKeys(f.delete) : [];
  if (keys.length > 0) changes.push({ op: 'delete', keys });
  if (changes.length === 0) throw invalid('You must provide at least one key to change or delete', 'change');
  return { kind: 'update', service, context, ref: refOf(id, f.searchByExternalId), changes };
}

function deleteKeys(group: FormObject): string[] {
  return orderedKeys(group).map((key) => {
    assertSafeKey(key);
    // A nested `delete[a][b]=` would delete all of `a`: refused rather than guessed.
    if (typeof group[key] !== 'string') throw invalid(`Parameter "delete[${key}]" takes no nested keys`, `delete[${key}]`);
    return key;
  });
}

export function toStopCommand(form: FormObject, service: string, id: string, context: CommandContext): StopCommand {
  const f = parseGmsForm(gmsStopFormSchema, form);
  return compact({
    kind: 'stop' as const,
    service,
    context,
    ref: refOf(id, f.searchByExternalId),
    reasonSystemName: given(f.reasonSystemName) ?? given(f.reason),
    reasonDescription: given(f.reasonDescription) ?? given(f.description),
  });
}

const STATE_NAMES: Record<InteractionState, string> = {
  queued: 'Queued',
  handling: 'Handling',
  inWorkbin: 'InWorkbin',
  stopped: 'Stopped',
};

/** GMS shows times to the second, e.g. "2017-05-31T04:43:52Z" (spec, Get response). */
export function gmsTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface GmsInteractionProperties {
  interactionId: string;
  interactionType: string;
  interactionSubtype: string;
  interactionMediatype: string;
  interactionState: string;
  interactionQueue?: string;
  interactionReceivedAt: string;
  interactionSubmittedAt: string;
  interactionPlacedInQueueAt?: string;
  interactionIsHeld: false;
  interactionIsLocked: false;
  interactionIsOnline: false;
  interactionUserData: UserData;
  interactionTenantId?: number;
  interactionSubmittedBy?: string;
  interactionSubmitSeq?: string;
  interactionMovedToQueueAt?: string;
  interactionPlaceInQueueSeq?: string;
}

/** Interaction → `interactionProperties` with the spec's names (its "Mediatype" spelling included). */
export function toInteractionProperties(interaction: Interaction): GmsInteractionProperties {
  return compact({
    interactionId: interaction.id,
    interactionType: interaction.type,
    interactionSubtype: interaction.subtype,
    interactionMediatype: interaction.mediaType,
    interactionState: STATE_NAMES[interaction.state],
    interactionQueue: interaction.queue,
    interactionReceivedAt: gmsTime(interaction.receivedAt),
    interactionSubmittedAt: gmsTime(interaction.submittedAt),
    interactionPlacedInQueueAt: interaction.placedInQueueAt === undefined ? undefined : gmsTime(interaction.placedInQueueAt),
    interactionIsHeld: false as const,
    interactionIsLocked: false as const,
    interactionIsOnline: false as const,
    interactionUserData: gmsUserData(interaction),
    interactionTenantId: interaction.tenantId,
    interactionSubmittedBy: interaction.submittedBy,
    interactionSubmitSeq: interaction.submitSeq,
    interactionMovedToQueueAt: interaction.movedToQueueAt === undefined ? undefined : gmsTime(interaction.movedToQueueAt),
    interactionPlaceInQueueSeq: interaction.placeInQueueSeq,
  });
}

/** GMS passes externalId to Interaction Server "in the UserData with the key ExternalId" (spec, Create). */
function gmsUserData(interaction: Interaction): UserData {
  const rendered = renderUserData(interaction.userData);
  if (interaction.externalId === undefined) return rendered;
  // The real externalId wins: no entry a backend holds under the same key may hide or change it (DESIGN §4).
  const others = rendered.filter((e) => e.key !== EXTERNAL_ID_USER_DATA_KEY);
  return [{ key: EXTERNAL_ID_USER_DATA_KEY, type: 'str', value: interaction.externalId }, ...others];
}

/** Rebuilt entry by entry so every entry serialises as {key,type,value}, kvlists as nested arrays. */
function renderUserData(userData: UserData): UserData {
  return userData.map((e): UserDataEntry => {
    switch (e.type) {
      case 'kvlist':
        return { key: e.key, type: e.type, value: renderUserData(e.value) };
      case 'int':
        return { key: e.key, type: e.type, value: e.value };
      case 'str':
        return { key: e.key, type: e.type, value: e.value };
    }
  });
}

export const GMS_REALM = 'gms';

/** The spec words code 248 one way for get and another for update and stop; each answer uses its own page's. */
const notFoundAdvice = (ref: string, command: CommandKind | undefined): string =>
  command === 'update' || command === 'stop' ? `Interaction with specified id[${ref}] was not found` : `Specified interaction Id[${ref}] was not found`;

const failure = (status: number, code: number, advice: string, headers?: Record<string, string>): OutboundResponse => ({
  status,
  ...(headers && { headers }),
  body: { statusCode: 2, errors: [{ code, advice }] },
});

/**
 * GatewayError → GMS answer (DESIGN §4 gms): failures GMS itself reports come as HTTP 200 with statusCode 2 and a
 * GMS error code; anything worth retrying is `{"statusCode":1}` ("Try again", spec, Create response).
 * `requestedId` is the id from the path, echoed when the error does not carry the ref itself.
 */
export function renderGmsError(err: GatewayError, requestedId?: string, command?: CommandKind): OutboundResponse {
  // A retry of a create still running is GMS's "try again" too (spec, Create response: statusCode 1).
  if (err.retryable || err.details.reason === 'in_progress') return { status: 200, body: { statusCode: 1 } };
  switch (err.code) {
    case 'not_found': {
      if (err.details.subject === 'service') return failure(404, 252, err.message);
      const ref = err.details.ref ?? requestedId;
      // No id in play means no such resource under the base path, not a missing interaction.
      if (ref === undefined) return failure(404, 200, err.message);
      return failure(200, 248, notFoundAdvice(ref, command));
    }
    case 'already_exists':
      return failure(200, 250, err.message);
    case 'unsupported':
      return failure(200, 251, err.message);
    case 'conflict':
      return failure(200, 253, err.message);
    case 'upstream_rejected':
      return failure(200, 254, err.message);
    case 'invalid_request':
      // DESIGN §4 gms: a bad content type is 400 code 200; an unreadable charset or a Content-Encoding is one too.
      return failure(err.details.reason === 'unsupported_media_type' ? 400 : invalidRequestStatus(err), 200, err.message);
    case 'unauthorized':
      return failure(401, 401, err.message, { 'WWW-Authenticate': basicChallenge(GMS_REALM) });
    case 'forbidden':
      return failure(403, 403, err.message);
    default:
      return failure(500, 500, 'Internal error');
  }
}
