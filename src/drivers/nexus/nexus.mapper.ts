import type { CommandContext, CreateCommand, GetCommand, InteractionRef, StopCommand, UpdateCommand } from '../../core/command';
import { assertValidCommand } from '../../core/command-rules';
import { GatewayError, invalid } from '../../core/errors';
import { orderedKeys, setOrdered } from '../../core/key-order';
import type { Created, Interaction, InteractionState } from '../../core/interaction';
import { userDataFromObject, userDataToObject, type UserData } from '../../core/user-data';
import { writeJsonText } from '../../http/json';
import { encodeSegment } from '../../http/path';
import type { UpstreamRequest, UpstreamResponse } from '../http/upstream';
import type { UpsertStrategy } from './nexus.config';
import { errorFromStatus } from './nexus.failure';

/** Nexus names an interaction by externalId with this path prefix (spec: `/interactions/ext_{externalId}`). */
export const EXTERNAL_ID_PREFIX = 'ext_';

/** One Nexus call before headers: the path is below the baseUrl (`…/nexus/v3`). */
export interface NexusRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, unknown>;
  idempotent: boolean;
}

/** The command kinds the Nexus wire carries. */
export type NexusCommand = CreateCommand | GetCommand | UpdateCommand | StopCommand;

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

// ── requests ────────────────────────────────────────────────────────────────────────────────────────────────

const interactionsPath = (service: string): string => `/openmedia/${encodeSegment(service, 'service')}/interactions`;

/**
 * `…/interactions/{id}` or `…/interactions/ext_{externalId}`. A canonical id that itself begins with `ext_` would
 * be read by Nexus as an externalId, so it cannot be sent by id (DESIGN §4).
 */
export function interactionPath(service: string, ref: InteractionRef): string {
  if (ref.by === 'externalId') {
    // `ext_..` would be a harmless segment, but Nexus (and the gateway's own inbound) refuses such an externalId.
    return `${interactionsPath(service)}/${EXTERNAL_ID_PREFIX}${encodeSegment(ref.value, 'externalId')}`;
  }
  if (ref.value.startsWith(EXTERNAL_ID_PREFIX)) {
    throw invalid(`Interaction id "${ref.value.slice(0, 64)}" begins with "${EXTERNAL_ID_PREFIX}" and cannot be sent to Nexus by id`, 'interactionId');
  }
  return `${interactionsPath(service)}/${encodeSegment(ref.value, 'interactionId')}`;
}

/**
 * createInteractionRequest. Nexus has no field for type, subtype, media type, queue or dialect extras: the
 * upstream applies its own service defaults. User data goes as an object (duplicate keys: the last wins), and
 * externalId only as the field, never as user data (DESIGN §4).
 */
export function toCreateRequest(command: CreateCommand): NexusRequest {
  assertValidCommand(command);
  const body: JsonObject = {};
  if (command.externalId !== undefined) body.externalId = command.externalId;
  if (command.parentInteractionId !== undefined) body.parentInteractionId = command.parentInteractionId;
  if (command.receivedAt !== undefined) body.receivedAt = command.receivedAt;
  body.userData = userDataToObject(command.userData);
  // A repeat is harmless only when the upstream can recognise it: Nexus refuses a second live interaction with
  // one externalId. The spec defines no Idempotency-Key, so an upstream may well ignore it: a create that only
  // carries one is sent once (an unknown outcome is then the caller's to settle, or use assignExternalId).
  return { method: 'POST', path: interactionsPath(command.service), body, idempotent: command.externalId !== undefined };
}

export function toGetRequest(service: string, ref: InteractionRef): NexusRequest {
  return { method: 'GET', path: interactionPath(service, ref), idempotent: true };
}

/** True when an update must read the interaction first: `lookup` needs the keys present to place each upsert. */
export const needsLookup = (command: UpdateCommand, strategy: UpsertStrategy): boolean =>
  strategy === 'lookup' && command.changes.some((c) => c.op === 'upsert' && c.entries.length > 0);

/**
 * changePropertiesRequest: replace → changedProperties, add → addedProperties, delete → deletedProperties.
 * `upsert` goes to changedProperties for keys in `presentKeys` (the `lookup` strategy's GET) and to
 * addedProperties for the rest; `changed` / `added` send every upserted key one way.
 * The wire has no order between its three groups, so the changes are folded first: each key goes once, by the
 * last change that names it (a key deleted and then set again is sent as added). No duplicate keys either:
 * Workspace AttachUserData's keepDuplicates is lost. So the body only sets and deletes keys: sending it again
 * leaves the same user data, and the upstream client may repeat it after a timeout or a reset (DESIGN §5).
 */
export function toUpdateRequest(command: UpdateCommand, strategy: UpsertStrategy, presentKeys: ReadonlySet<string> = new Set()): NexusRequest {
  assertValidCommand(command);
  const last = new Map<string, { group: 'changed' | 'added'; value: unknown } | 'deleted'>();
  for (const change of command.changes) {
    if (change.op === 'delete') {
      for (const key of change.keys) last.set(key, 'deleted');
      continue;
    }
    const values = userDataToObject(change.entries);
    for (const key of orderedKeys(values)) {
      const deletedBefore = last.get(key) === 'deleted';
      const group = change.op === 'replace' ? 'changed' : change.op === 'add' || deletedBefore ? 'added' : upsertGroup(key, strategy, presentKeys);
      last.set(key, { group, value: values[key] });
    }
  }
  // Null-prototype targets: no user-data key is special (DESIGN §4, `__proto__`).
  const changed: JsonObject = Object.create(null);
  const added: JsonObject = Object.create(null);
  const deleted: string[] = [];
  for (const [key, outcome] of last) {
    if (outcome === 'deleted') deleted.push(key);
    else setOrdered(outcome.group === 'changed' ? changed : added, key, outcome.value);
  }
  const body: JsonObject = {};
  if (Object.keys(changed).length > 0) body.changedProperties = changed;
  if (Object.keys(added).length > 0) body.addedProperties = added;
  if (deleted.length > 0) body.deletedProperties = deleted;
  if (Object.keys(body).length === 0) throw invalid('Nothing to update: at least one user-data change is required');
  return { method: 'POST', path: `${interactionPath(command.service, command.ref)}/update`, body, idempotent: true };
}

const upsertGroup = (key: string, strategy: UpsertStrategy, presentKeys: ReadonlySet<string>): 'changed' | 'added' =>
  strategy === 'lookup' ? (presentKeys.has(key) ? 'changed' : 'added') : strategy;

/**
 * stopInteractionRequest; always a JSON object, `{}` without a reason. Repeatable: a repeat after an attempt that
 * was applied answers 409, which the core resolves by reading the interaction back (stopped: done).
 */
export function toStopRequest(command: StopCommand): NexusRequest {
  const body: JsonObject = {};
  if (command.reasonSystemName !== undefined) body.reasonSystemName = command.reasonSystemName;
  if (command.reasonDescription !== undefined) body.reasonDescription = command.reasonDescription;
  return { method: 'POST', path: `${interactionPath(command.service, command.ref)}/stop`, body, idempotent: true };
}

/**
 * The request as the shared client sends it, with the spec's x-api-key and the caller's trace and request ids; it
 * reads its own answers, with the driver's judge, for the command it was made for. One object per call: no closure beside it,
 * and every header slot in the literal (undici skips an undefined header), so none is added to it later.
 */
export class NexusUpstreamRequest implements UpstreamRequest {
  readonly method: NexusRequest['method'];
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly idempotent: boolean;
  readonly body: string | undefined;
  readonly deadline: number | undefined;

  constructor(
    request: NexusRequest,
    context: CommandContext,
    apiKey: string,
    private readonly judge: AnswerJudge,
    private readonly command: NexusCommand,
  ) {
    this.method = request.method;
    this.path = request.path;
    this.headers = {
      accept: 'application/json',
      'x-api-key': apiKey,
      'x-request-id': context.requestId,
      'content-type': request.body === undefined ? undefined : 'application/json',
      'x-b3-traceid': context.traceId,
      'idempotency-key': context.idempotencyKey,
    } as Record<string, string>;
    this.idempotent = request.idempotent;
    this.body = request.body === undefined ? undefined : writeJsonText(request.body);
    this.deadline = context.deadline;
  }

  failureInAnswer(res: UpstreamResponse): GatewayError | undefined {
    return this.judge(res, this.command);
  }
}

/** Reads a 2xx answer to the command's request for a failure the client should weigh (UpstreamRequest.failureInAnswer). */
export type AnswerJudge = (res: UpstreamResponse, command: NexusCommand) => GatewayError | undefined;

// ── answers ─────────────────────────────────────────────────────────────────────────────────────────────────

const malformed = (what: string): GatewayError => new GatewayError('upstream_rejected', `Upstream answered ${what}`);

/**
 * The answer's payload: `data` of the `{"status":{"code":0},"data":{…}}` envelope the spec's services answer,
 * or the body itself when it is flat. A non-zero status code in a 2xx answer is the upstream's failure.
 */
export function unwrapAnswer(body: unknown, command: NexusCommand): unknown {
  if (!isObject(body)) throw malformed('a body that is not a JSON object');
  const status = body.status;
  if (!isObject(status) || typeof status.code !== 'number') return body;
  if (status.code !== 0) throw errorFromStatus(status.code, command);
  return body.data;
}

export function fromCreatedAnswer(data: unknown, command: CreateCommand): Created {
  if (!isObject(data) || typeof data.id !== 'string' || data.id === '') throw malformed('a create without an interaction id');
  const externalId = typeof data.externalId === 'string' ? data.externalId : command.externalId;
  return externalId === undefined ? { id: data.id } : { id: data.id, externalId };
}

/** Lower-cased wire state → canonical state; a Map, so a state such as `constructor` finds nothing. */
const STATES = new Map<string, InteractionState>([
  ['queued', 'queued'],
  ['handling', 'handling'],
  ['inworkbin', 'inWorkbin'],
  ['stopped', 'stopped'],
]);

/**
 * A Nexus interaction → canonical. Lenient where a reader loses nothing: `interactionType`/`interactionSubtype`
 * stand for `type`/`subtype`, absent texts are '', timestamps (ISO text or epoch ms) are normalised to ISO 8601
 * UTC, and an unknown state is `stopped` when a stop time is given, else `queued` — the state every open media
 * interaction starts in. Without an id or any arrival time the answer is not an interaction: upstream_rejected.
 * The service is the one the command named.
 */
export function fromInteractionAnswer(data: unknown, service: string): Interaction {
  if (!isObject(data) || typeof data.id !== 'string' || data.id === '') throw malformed('an interaction without an id');
  const receivedAt = timestamp(data.receivedAt) ?? timestamp(data.submittedAt);
  const submittedAt = timestamp(data.submittedAt) ?? receivedAt;
  if (receivedAt === undefined || submittedAt === undefined) throw malformed('an interaction without receivedAt');
  if (data.userData !== undefined && data.userData !== null && !isObject(data.userData)) throw malformed('user data that is not an object');
  const stoppedAt = timestamp(data.stoppedAt);
  const interaction: Interaction = {
    id: data.id,
    service,
    type: text(data.type) ?? text(data.interactionType) ?? '',
    subtype: text(data.subtype) ?? text(data.interactionSubtype) ?? text(data.interactionSubType) ?? '',
    mediaType: text(data.mediaType) ?? '',
    state: STATES.get(String(data.state).toLowerCase()) ?? (stoppedAt !== undefined ? 'stopped' : 'queued'),
    receivedAt,
    submittedAt,
    userData: upstreamUserData(data.userData),
  };
  const externalId = text(data.externalId);
  const parentInteractionId = text(data.parentInteractionId);
  const queue = text(data.queue);
  const workbin = text(data.workbin);
  const agentId = text(data.agentId);
  const placedInQueueAt = timestamp(data.placedInQueueAt);
  if (externalId !== undefined) interaction.externalId = externalId;
  if (parentInteractionId !== undefined) interaction.parentInteractionId = parentInteractionId;
  if (queue !== undefined) interaction.queue = queue;
  if (workbin !== undefined) interaction.workbin = workbin;
  if (agentId !== undefined) interaction.agentId = agentId;
  if (placedInQueueAt !== undefined) interaction.placedInQueueAt = placedInQueueAt;
  if (stoppedAt !== undefined) interaction.stoppedAt = stoppedAt;
  const reason = stopReason(data.stopReason);
  if (reason !== undefined) interaction.stopReason = reason;
  return interaction;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function timestamp(value: unknown): string | undefined {
  const ms = typeof value === 'string' && value !== '' ? Date.parse(value) : typeof value === 'number' ? value : Number.NaN;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function stopReason(value: unknown): Interaction['stopReason'] {
  if (!isObject(value)) return undefined;
  const reason: NonNullable<Interaction['stopReason']> = {};
  const systemName = text(value.systemName);
  const description = text(value.description);
  if (systemName !== undefined) reason.systemName = systemName;
  if (description !== undefined) reason.description = description;
  return Object.keys(reason).length > 0 ? reason : undefined;
}

/** The upstream's user data is typed by the same rules as a client's; a value they refuse is the upstream's fault. */
function upstreamUserData(value: unknown): UserData {
  if (!isObject(value)) return [];
  try {
    return userDataFromObject(value);
  } catch (err) {
    throw new GatewayError('upstream_rejected', 'Upstream answered user data the gateway cannot represent', {}, { cause: err });
  }
}

/**
 * The upstream's own error text from a Nexus error body, for the log only. Other JSON is left out (it may echo
 * user data); a non-JSON body (a proxy's error page) is shown by its first characters.
 */
export function upstreamMessage(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body === '' ? undefined : body.slice(0, 200);
  }
  if (isObject(parsed) && isObject(parsed.status) && typeof parsed.status.message === 'string') return parsed.status.message.slice(0, 500);
  if (isObject(parsed) && typeof parsed.message === 'string') return parsed.message.slice(0, 500);
  return undefined;
}
