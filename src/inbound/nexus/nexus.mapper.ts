import type {
  CommandContext,
  CreateCommand,
  GetCommand,
  InteractionRef,
  StopCommand,
  UpdateCommand,
  UserDataChange,
} from '../../core/command';
import { invalid, type GatewayError } from '../../core/errors';
import type { Created, Interaction } from '../../core/interaction';
import { assertSafeKey, userDataFromObject, userDataToObject } from '../../core/user-data';
import type { OutboundResponse } from '../../http/wire';
import { httpStatusOf, retryAfterHeaders } from '../../http/invalid-status';
import { readIsoDateTime } from './nexus.time';
import { createRequestSchema, parseNexusRequest, stopRequestSchema, updateRequestSchema } from './nexus.schema';

/** Nexus names an interaction by externalId with this path prefix (spec: `/interactions/ext_{externalId}`). */
export const EXTERNAL_ID_PREFIX = 'ext_';

export interface NexusStatus {
  code: number;
  message?: string;
}
export interface NexusResponse<T = undefined> {
  status: NexusStatus;
  data?: T;
}

export interface NexusInteraction {
  id: string;
  externalId?: string;
  parentInteractionId?: string;
  service: string;
  type: string;
  subtype: string;
  mediaType: string;
  state: string;
  queue?: string;
  receivedAt: string;
  submittedAt: string;
  placedInQueueAt?: string;
  stoppedAt?: string;
  stopReason?: { systemName?: string; description?: string };
  userData: Record<string, unknown>;
}

/**
 * The `{id}` path segment (already decoded and checked by the shared id rules): `ext_…` is an externalId by the
 * spec's own rule, so a bare `ext_` names nothing and a canonical id with that prefix cannot be asked for by id.
 */
export function refFromPathId(id: string): InteractionRef {
  if (!id.startsWith(EXTERNAL_ID_PREFIX)) return { by: 'id', value: id };
  const value = id.slice(EXTERNAL_ID_PREFIX.length);
  // The whole segment passed the id rules; what follows the prefix must pass them on its own too.
  if (value === '' || value === '.' || value === '..') throw invalid(`Invalid externalId "${value}"`, 'externalId');
  return { by: 'externalId', value };
}

export function toCreateCommand(body: unknown, service: string, context: CommandContext): CreateCommand {
  const req = parseNexusRequest(createRequestSchema, body);
  return {
    kind: 'create',
    service,
    context,
    externalId: req.externalId ?? undefined,
    parentInteractionId: req.parentInteractionId ?? undefined,
    receivedAt: req.receivedAt ? readIsoDateTime(req.receivedAt) : undefined,
    userData: req.userData ? userDataFromObject(req.userData, 'userData') : [],
    extra: {},
  };
}

export function toGetCommand(service: string, id: string, context: CommandContext): GetCommand {
  return { kind: 'get', service, context, ref: refFromPathId(id) };
}

/** changedProperties → replace, addedProperties → add, deletedProperties → delete (DESIGN §3); at least one. */
export function toUpdateCommand(body: unknown, service: string, id: string, context: CommandContext): UpdateCommand {
  const ref = refFromPathId(id);
  const req = parseNexusRequest(updateRequestSchema, body);
  const changes: UserDataChange[] = [];
  if (req.changedProperties) {
    const entries = userDataFromObject(req.changedProperties, 'changedProperties');
    if (entries.length > 0) changes.push({ op: 'replace', entries });
  }
  if (req.addedProperties) {
    const entries = userDataFromObject(req.addedProperties, 'addedProperties');
    if (entries.length > 0) changes.push({ op: 'add', entries });
  }
  if (req.deletedProperties && req.deletedProperties.length > 0) {
    req.deletedProperties.forEach(assertSafeKey);
    changes.push({ op: 'delete', keys: req.deletedProperties });
  }
  if (changes.length === 0) {
    throw invalid('Nothing to update: changedProperties, addedProperties or deletedProperties is required');
  }
  return { kind: 'update', service, context, ref, changes };
}

export function toStopCommand(body: unknown, service: string, id: string, context: CommandContext): StopCommand {
  const ref = refFromPathId(id);
  const req = parseNexusRequest(stopRequestSchema, body);
  return {
    kind: 'stop',
    service,
    context,
    ref,
    reasonSystemName: req.reasonSystemName ?? undefined,
    reasonDescription: req.reasonDescription ?? undefined,
  };
}

export const renderOk = (): NexusResponse => ({ status: { code: 0 } });

export function renderCreated(created: Created): NexusResponse<{ id: string; externalId?: string }> {
  const data: { id: string; externalId?: string } = { id: created.id };
  if (created.externalId !== undefined) data.externalId = created.externalId;
  return { status: { code: 0 }, data };
}

/** The interaction as Nexus shows it: userData as an object (duplicate keys: the last entry wins). */
export function renderInteraction(interaction: Interaction): NexusResponse<NexusInteraction> {
  const i = interaction;
  const data: NexusInteraction = {
    id: i.id,
    externalId: i.externalId,
    parentInteractionId: i.parentInteractionId,
    service: i.service,
    type: i.type,
    subtype: i.subtype,
    mediaType: i.mediaType,
    state: i.state,
    queue: i.queue,
    receivedAt: i.receivedAt,
    submittedAt: i.submittedAt,
    placedInQueueAt: i.placedInQueueAt,
    stoppedAt: i.stoppedAt,
    stopReason: i.stopReason,
    userData: userDataToObject(i.userData),
  };
  for (const key of Object.keys(data) as (keyof NexusInteraction)[]) if (data[key] === undefined) delete data[key];
  return { status: { code: 0 }, data };
}

/**
 * `{"status":{"code":<http status>,"message":"…"}}`. An internal error says nothing more (its text may hold
 * internals); an invalid request is 400, 413 (too large), 405 (method) or 422 (an Idempotency-Key reused with
 * another payload). A retry of a request still running is a 409 with Retry-After (IETF idempotency draft §2.7).
 */
export function renderError(err: GatewayError): OutboundResponse {
  if (err.code === 'internal') return { status: 500, body: { status: { code: 500, message: 'Internal error' } } };
  const status = httpStatusOf(err);
  const response: OutboundResponse = { status, body: { status: { code: status, message: err.message } } };
  const headers = retryAfterHeaders(err, status);
  if (headers) response.headers = headers;
  return response;
}
