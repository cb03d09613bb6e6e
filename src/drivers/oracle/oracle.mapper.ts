import type { CommandContext, CreateCommand, UserDataChange } from '../../core/command';
import { invalid } from '../../core/errors';
import { assertAddressable, isAddressable, quotable } from '../../core/ids';
import { userDataToObject, type UserDataEntry } from '../../core/user-data';
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
  /** The user-data key an InteractionData row call writes, so a failure part way can say which rows were written. */
  dataKey?: string;
}

export const STATUS_CLOSED = 'ORA_SVC_CLOSED';
/** Oracle's largest page; user data and OriginalSystemReference matches rarely need a second one. */
export const PAGE_LIMIT = 500;
export const EXTRA = 'oracle.';

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

/**
 * A lookup by OriginalSystemReference. An externalId that is not addressable (DESIGN §4: no `\`, no control
 * characters) is refused before any call: no create could have made it, and a backslash is the one character
 * whose meaning inside a `q` literal differs between query syntaxes (an escape in some), so none is ever sent.
 */
export function toFindRequest(externalId: string): OracleRequest {
  assertAddressable(externalId, 'externalId');
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

/**
 * PATCH StatusCd + EndTime. Repeatable: closing a closed interaction changes nothing, and a repeat refused because
 * the first was applied is resolved by the core reading the interaction back (closed: done).
 */
export function toCloseRequest(interactionId: number, at: Date): OracleRequest {
  return { method: 'PATCH', path: `/interactions/${interactionId}`, body: { StatusCd: STATUS_CLOSED, EndTime: at.toISOString() }, idempotent: true };
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
      if (value !== null) requests.push({ method: 'POST', path: rows, body: { DataKey: key, DataValue: value }, idempotent: false, dataKey: key });
      continue;
    }
    const path = `${rows}/${rowSegment(key)}`;
    requests.push(
      value === null ? { method: 'DELETE', path, idempotent: true, dataKey: key } : { method: 'PATCH', path, body: { DataValue: value }, idempotent: true, dataKey: key },
    );
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
