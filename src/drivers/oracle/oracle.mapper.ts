import type { CommandContext, CreateCommand, UserDataChange } from '../../core/command';
import { GatewayError, invalid } from '../../core/errors';
import { isAddressable, quotable } from '../../core/ids';
import type { Interaction } from '../../core/interaction';
import { entryFromValue, userDataToObject, type UserData, type UserDataEntry } from '../../core/user-data';
import { writeJsonText } from '../../http/json';
import { encodeSegment } from '../../http/path';
import type { UpstreamRequest } from '../http/upstream';
import type { OracleDriverConfig } from './oracle.config';

/** One call below the baseUrl (`…/crmRestApi/resources/11.13.18.05`), before headers. */
export interface OracleRequest {
  method: UpstreamRequest['method'];
  path: string;
  body?: Record<string, unknown>;
  idempotent: boolean;
}

export const STATUS_CLOSED = 'ORA_SVC_CLOSED';
/** Oracle's largest page; user data and OriginalSystemReference matches rarely need a second one. */
export const PAGE_LIMIT = 500;
const EXTRA = 'oracle.';

type JsonObject = Record<string, unknown>;
export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

// ── requests ────────────────────────────────────────────────────────────────────────────────────────────────

/** InteractionId is a number: a canonical id that is not one names nothing in an Oracle tenant. */
export function interactionIdOf(id: string): number | undefined {
  const n = Number(id);
  return /^[1-9]\d{0,15}$/.test(id) && Number.isSafeInteger(n) ? n : undefined;
}

/** A `q` row-match literal: single quotes, a quote inside doubled, so a value can never end the literal early. */
export const quoteLiteral = (value: string): string => `'${value.replace(/'/g, "''")}'`;

export function toFindRequest(externalId: string): OracleRequest {
  const q = encodeURIComponent(`OriginalSystemReference=${quoteLiteral(externalId)}`);
  return { method: 'GET', path: `/interactions?q=${q}&limit=${PAGE_LIMIT}`, idempotent: true };
}

export const toItemRequest = (interactionId: number): OracleRequest => ({ method: 'GET', path: `/interactions/${interactionId}`, idempotent: true });

export const toRowsRequest = (interactionId: number, offset: number): OracleRequest => ({
  method: 'GET',
  path: `/interactions/${interactionId}/child/InteractionData?limit=${PAGE_LIMIT}&offset=${offset}`,
  idempotent: true,
});

/** A DataValue is text in Oracle: an int goes as its decimal string, a kvlist as JSON text. */
function dataValueOf(entry: UserDataEntry): string {
  if (entry.type === 'str') return entry.value;
  if (entry.type === 'int') return String(entry.value);
  return writeJsonText(userDataToObject(entry.value));
}

/**
 * POST /interactions. OriginalSystemReference carries the externalId, StartTime the time received; an Oracle
 * client's own ChannelTypeCd, DirectionCd and Description (in `extra`) win over the configured defaults.
 * Not idempotent: Oracle itself does not refuse a second interaction with the same OriginalSystemReference.
 */
export function toCreateRequest(command: CreateCommand, config: Pick<OracleDriverConfig, 'channelType' | 'direction'>): OracleRequest {
  const body: JsonObject = {
    ChannelTypeCd: command.extra[`${EXTRA}ChannelTypeCd`] ?? config.channelType,
    DirectionCd: command.extra[`${EXTRA}DirectionCd`] ?? config.direction,
  };
  const description = command.extra[`${EXTRA}Description`];
  if (description !== undefined) body.Description = description;
  if (command.externalId !== undefined) body.OriginalSystemReference = command.externalId;
  if (command.receivedAt !== undefined) body.StartTime = command.receivedAt;
  const parent = command.parentInteractionId === undefined ? undefined : interactionIdOf(command.parentInteractionId);
  if (parent !== undefined) body.ParentInteractionId = parent;
  body.InteractionData = command.userData.map((entry) => ({ DataKey: entry.key, DataValue: dataValueOf(entry) }));
  return { method: 'POST', path: '/interactions', body, idempotent: false };
}

/** PATCH StatusCd + EndTime. Not repeated: once closed, a second close is the caller's conflict to hear about. */
export function toCloseRequest(interactionId: number, at: Date): OracleRequest {
  return { method: 'PATCH', path: `/interactions/${interactionId}`, body: { StatusCd: STATUS_CLOSED, EndTime: at.toISOString() }, idempotent: false };
}

/**
 * The user-data changes as InteractionData calls, given the keys present. The changes are folded first, so each
 * key is written once with its last value (or deleted): a present key is PATCHed, a new one POSTed, a deleted
 * present one DELETEd, a deleted absent one left alone. A key that a row path cannot carry (`/`, `..`, control
 * characters) is refused before any call, so an update never stops half way on it.
 */
export function toRowRequests(interactionId: number, changes: UserDataChange[], present: ReadonlySet<string>): OracleRequest[] {
  const last = new Map<string, string | null>();
  for (const change of changes) {
    if (change.op === 'delete') for (const key of change.keys) last.set(key, null);
    else for (const entry of change.entries) last.set(entry.key, dataValueOf(entry));
  }
  const rows = `/interactions/${interactionId}/child/InteractionData`;
  const requests: OracleRequest[] = [];
  for (const [key, value] of last) {
    if (!present.has(key)) {
      if (value !== null) requests.push({ method: 'POST', path: rows, body: { DataKey: key, DataValue: value }, idempotent: false });
      continue;
    }
    const path = `${rows}/${rowSegment(key)}`;
    requests.push(value === null ? { method: 'DELETE', path, idempotent: true } : { method: 'PATCH', path, body: { DataValue: value }, idempotent: true });
  }
  return requests;
}

function rowSegment(key: string): string {
  if (!isAddressable(key)) throw invalid(`User-data key "${quotable(key)}" cannot be addressed as an Oracle InteractionData row`, key);
  return encodeSegment(key, 'DataKey');
}

/** Headers of every call: the credential, the pinned framework version, and the caller's request id. */
export function oracleHeaders(config: Pick<OracleDriverConfig, 'basicAuth' | 'bearerToken' | 'frameworkVersion'>, context: CommandContext, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'rest-framework-version': config.frameworkVersion,
    'x-request-id': context.requestId,
  };
  if (hasBody) headers['content-type'] = 'application/vnd.oracle.adf.resourceitem+json';
  if (config.basicAuth) {
    const { username, password } = config.basicAuth;
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  } else if (config.bearerToken) headers.authorization = `Bearer ${config.bearerToken}`;
  return headers;
}

// ── answers ─────────────────────────────────────────────────────────────────────────────────────────────────

export const malformed = (what: string): GatewayError => new GatewayError('upstream_rejected', `Upstream answered ${what}`);

export interface OracleItem {
  InteractionId: number;
  StatusCd?: unknown;
  EndTime?: unknown;
  [attribute: string]: unknown;
}

export function itemOf(value: unknown): OracleItem {
  if (!isObject(value) || !Number.isSafeInteger(value.InteractionId)) throw malformed('an interaction without an InteractionId');
  return value as OracleItem;
}

export const isClosed = (item: OracleItem): boolean => item.StatusCd === STATUS_CLOSED || (typeof item.EndTime === 'string' && item.EndTime !== '');

/** The items of a collection answer, and whether more pages follow. */
export function collectionOf(value: unknown): { items: unknown[]; hasMore: boolean } {
  if (!isObject(value) || !Array.isArray(value.items)) throw malformed('a collection without items');
  return { items: value.items, hasMore: value.hasMore === true };
}

/** Of several interactions with one OriginalSystemReference: the open one, else the latest (highest id). */
export function pickByExternalId(items: OracleItem[]): OracleItem | undefined {
  const sorted = [...items].sort((a, b) => b.InteractionId - a.InteractionId);
  return sorted.find((i) => !isClosed(i)) ?? sorted[0];
}

/** Rows → user data: text stays text, a whole number an int; a row without a key is the upstream's fault. */
export function userDataOfRows(rows: unknown[]): UserData {
  return rows.map((row) => {
    if (!isObject(row) || typeof row.DataKey !== 'string' || row.DataKey === '') throw malformed('an InteractionData row without a DataKey');
    try {
      return entryFromValue(row.DataKey, row.DataValue ?? '');
    } catch (err) {
      throw new GatewayError('upstream_rejected', 'Upstream answered user data the gateway cannot represent', {}, { cause: err });
    }
  });
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function timestamp(value: unknown): string | undefined {
  const ms = typeof value === 'string' && value !== '' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * An Oracle item → canonical. The id is the InteractionId as a string; type follows DirectionCd; Oracle's own
 * attributes go to `extra` so an Oracle client in front of the gateway sees them again. Oracle has no subtype,
 * media type or time placed in queue: those stay empty.
 */
export function toInteraction(item: OracleItem, userData: UserData, service: string): Interaction {
  const receivedAt = timestamp(item.StartTime) ?? timestamp(item.CreationDate);
  const submittedAt = timestamp(item.CreationDate) ?? receivedAt;
  if (receivedAt === undefined || submittedAt === undefined) throw malformed('an interaction without StartTime or CreationDate');
  const interaction: Interaction = {
    id: String(item.InteractionId),
    service,
    type: item.DirectionCd === 'ORA_SVC_OUTBOUND' ? 'Outbound' : 'Inbound',
    subtype: '',
    mediaType: '',
    state: isClosed(item) ? 'stopped' : 'queued',
    receivedAt,
    submittedAt,
    userData,
  };
  const externalId = text(item.OriginalSystemReference);
  const queue = text(item.QueueName);
  const stoppedAt = timestamp(item.EndTime);
  if (externalId !== undefined) interaction.externalId = externalId;
  if (queue !== undefined) interaction.queue = queue;
  if (stoppedAt !== undefined) interaction.stoppedAt = stoppedAt;
  if (Number.isSafeInteger(item.ParentInteractionId) && item.ParentInteractionId !== item.InteractionId) {
    interaction.parentInteractionId = String(item.ParentInteractionId);
  }
  const extra: Record<string, string> = {};
  for (const field of ['ChannelTypeCd', 'DirectionCd', 'Description']) {
    const value = text(item[field]);
    if (value !== undefined) extra[EXTRA + field] = value;
  }
  if (Object.keys(extra).length > 0) interaction.extra = extra;
  return interaction;
}
