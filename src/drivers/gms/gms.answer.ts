import type { CreateCommand, InteractionRef } from '../../core/command';
import { EXTERNAL_ID_USER_DATA_KEY as EXTERNAL_ID_KEY } from '../../core/command-rules';
import { GatewayError } from '../../core/errors';
import type { Created, Interaction, InteractionState } from '../../core/interaction';
import type { UserData, UserDataEntry } from '../../core/user-data';
import type { z } from 'zod';
import { gmsAnswerSchema, gmsCreatedSchema, gmsPropertiesAnswerSchema, type GmsUserDataEntry } from './gms.schema';

/**
 * GMS answers → canonical results and errors (specs/gms-openmedia.md, DESIGN §4 gms): a JSON envelope whose
 * `statusCode` is 0 (ok), 1 (failure, "try again") or 2 (errors with GMS codes), normally in HTTP 200.
 */

const rejected = (message: string, status: number, upstreamCode?: string | number): GatewayError =>
  new GatewayError('upstream_rejected', message, upstreamCode === undefined ? { upstreamStatus: status } : { upstreamStatus: status, upstreamCode });

/**
 * Checks a GMS answer and throws its failure as a GatewayError; returns the `statusCode: 0` body. `ref` is what the
 * command named, echoed in not_found/conflict details. Network failures, timeouts and 5xx never reach here: the
 * upstream client has already mapped them. `body` is the parsed JSON, or undefined when it was not JSON.
 */
export function checkGmsAnswer(status: number, body: unknown, ref?: InteractionRef): Record<string, unknown> {
  // The gateway's own credentials are wrong: nothing the caller can fix, so never passed on as 401/403.
  if (status === 401 || status === 403) throw rejected(`GMS refused the gateway's credentials (HTTP ${status})`, status);
  const parsed = gmsAnswerSchema.safeParse(body);
  if (!parsed.success) throw rejected(`GMS answered HTTP ${status} without a GMS status`, status);
  const answer = parsed.data;
  // 400 means the gateway built a request GMS finds invalid: the gateway's fault, not the caller's.
  if (status === 400) throw rejected('GMS rejected the request as invalid', status, answer.errors?.[0]?.code ?? answer.statusCode);
  // GMS answers in HTTP 200; a 404 carrying a GMS body (e.g. an unknown service) is read by its code.
  if (!((status >= 200 && status < 300) || status === 404)) throw rejected(`GMS answered HTTP ${status}`, status, answer.statusCode);
  if (answer.statusCode === 1) {
    throw new GatewayError('upstream_unavailable', 'GMS is unavailable, try again', { upstreamStatus: status, upstreamCode: 1 });
  }
  if (answer.statusCode === 2) throw failureOf(status, answer.errors?.[0]?.code, ref);
  if (answer.statusCode !== 0 || status === 404) throw rejected(`GMS answered HTTP ${status} with statusCode ${answer.statusCode}`, status, answer.statusCode);
  return answer as Record<string, unknown>;
}

/** The first error's `advice`, for logs only. */
export function gmsAdvice(body: unknown): string | undefined {
  const parsed = gmsAnswerSchema.safeParse(body);
  const advice = parsed.success ? parsed.data.errors?.[0]?.advice : undefined;
  return typeof advice === 'string' ? advice.slice(0, 200) : undefined;
}

/** GMS error codes of `statusCode: 2` (DESIGN §4 gms) back to canonical codes. */
function failureOf(status: number, code: number | undefined, ref: InteractionRef | undefined): GatewayError {
  const details = { upstreamStatus: status, ...(code !== undefined && { upstreamCode: code }) };
  const subject = { subject: 'interaction' as const, ...(ref && { ref: ref.value }) };
  const named = ref === undefined ? 'The interaction' : ref.by === 'id' ? `Interaction ${ref.value}` : `Interaction with externalId ${ref.value}`;
  switch (code) {
    case 248:
      return new GatewayError('not_found', `${named} was not found`, { ...details, ...subject });
    case 250:
      return new GatewayError('already_exists', `${named} already exists`, { ...details, ...subject });
    case 251:
      return new GatewayError('unsupported', 'The operation is not supported by the upstream GMS', details);
    case 253:
      return new GatewayError('conflict', `${named} is already stopped`, { ...details, ...subject });
    case 252:
      // GMS does not know the service. The gateway routed it there, so this is an operator's misroute, not a
      // service the caller got wrong: reporting not_found (subject service) would tell the caller it does not exist.
      return rejected('The upstream GMS does not serve this service', status, code);
    default:
      return rejected('GMS rejected the request', status, code);
  }
}

export function toCreated(answer: Record<string, unknown>, status: number, command: CreateCommand): Created {
  const parsed = gmsCreatedSchema.safeParse(answer);
  if (!parsed.success) throw rejected('GMS answered a create without an interactionId', status);
  return command.externalId === undefined ? { id: parsed.data.interactionId } : { id: parsed.data.interactionId, externalId: command.externalId };
}

/**
 * Interaction Server state names (GMS shows them capitalised, e.g. "Queued", "Stopped"). A state with no canonical
 * counterpart is read as `queued`: the interaction exists and is not finished, which is what callers act on.
 */
const STATES: Record<string, InteractionState> = {
  queued: 'queued',
  cached: 'queued',
  routing: 'queued',
  handling: 'handling',
  processing: 'handling',
  inworkbin: 'inWorkbin',
  workbin: 'inWorkbin',
  stopped: 'stopped',
};

/** `interactionProperties` → Interaction. GMS does not return the service: it is the one the command named. */
export function toInteraction(answer: Record<string, unknown>, status: number, service: string): Interaction {
  const parsed = gmsPropertiesAnswerSchema.safeParse(answer);
  if (!parsed.success) throw rejected('GMS answered a get without valid interactionProperties', status);
  const p = parsed.data.interactionProperties;
  const receivedAt = p.interactionReceivedAt ?? p.interactionSubmittedAt;
  const submittedAt = p.interactionSubmittedAt ?? p.interactionReceivedAt;
  if (receivedAt === undefined || submittedAt === undefined) throw rejected('GMS answered a get without timestamps', status);
  const { userData, externalId } = splitExternalId(p.interactionUserData ?? []);
  const interaction: Interaction = {
    id: p.interactionId,
    service,
    type: p.interactionType ?? '',
    subtype: p.interactionSubtype ?? '',
    mediaType: p.interactionMediatype ?? '',
    state: STATES[(p.interactionState ?? '').toLowerCase()] ?? 'queued',
    receivedAt,
    submittedAt,
    userData,
  };
  if (externalId !== undefined) interaction.externalId = externalId;
  if (p.interactionQueue !== undefined && p.interactionQueue !== '') interaction.queue = p.interactionQueue;
  if (p.interactionPlacedInQueueAt !== undefined) interaction.placedInQueueAt = p.interactionPlacedInQueueAt;
  passBookkeepingThrough(p, interaction);
  return interaction;
}

/** Interaction Server's bookkeeping has no canonical meaning; GMS clients see the upstream's own values. */
function passBookkeepingThrough(p: z.output<typeof gmsPropertiesAnswerSchema>['interactionProperties'], interaction: Interaction): void {
  const tenantId = typeof p.interactionTenantId === 'string' && /^\d{1,15}$/.test(p.interactionTenantId) ? Number(p.interactionTenantId) : p.interactionTenantId;
  if (typeof tenantId === 'number') interaction.tenantId = tenantId;
  if (p.interactionSubmittedBy !== undefined) interaction.submittedBy = p.interactionSubmittedBy;
  if (p.interactionSubmitSeq !== undefined) interaction.submitSeq = String(p.interactionSubmitSeq);
  if (p.interactionMovedToQueueAt !== undefined) interaction.movedToQueueAt = p.interactionMovedToQueueAt;
  if (p.interactionPlaceInQueueSeq !== undefined) interaction.placeInQueueSeq = String(p.interactionPlaceInQueueSeq);
}

/**
 * GMS passes the externalId to Interaction Server as user-data key `ExternalId` (spec, Create); canonically it is
 * the interaction's own field, so the entry is taken out of the user data (DESIGN §4, externalId).
 */
function splitExternalId(entries: GmsUserDataEntry[]): { userData: UserData; externalId?: string } {
  let externalId: string | undefined;
  const rest: GmsUserDataEntry[] = [];
  for (const e of entries) {
    if (e.key !== EXTERNAL_ID_KEY) rest.push(e);
    else if (!Array.isArray(e.value)) externalId = String(e.value);
  }
  const userData = toUserData(rest);
  return externalId === undefined ? { userData } : { userData, externalId };
}

/**
 * `{key,type,value}` entries → UserData. `int` accepts a number or a digit string; a type GMS may add beyond
 * str/int/kvlist (e.g. `utf-string`) keeps its value as a string; an array value is always a kvlist.
 */
function toUserData(entries: GmsUserDataEntry[]): UserData {
  return entries.map((e): UserDataEntry => {
    if (Array.isArray(e.value)) return { key: e.key, type: 'kvlist', value: toUserData(e.value) };
    if (e.type === 'int') {
      // An integer past 2^53 (a bigint, or digits) stays its exact decimal string.
      const n = typeof e.value === 'number' ? e.value : /^-?\d+$/.test(String(e.value)) ? Number(e.value) : NaN;
      if (Number.isSafeInteger(n)) return { key: e.key, type: 'int', value: n };
    }
    return { key: e.key, type: 'str', value: String(e.value) };
  });
}
