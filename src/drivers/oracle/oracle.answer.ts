// Oracle answers → canonical values: items, collections and InteractionData rows.
import { GatewayError } from '../../core/errors';
import type { Interaction } from '../../core/interaction';
import { entryFromValue, type UserData } from '../../core/user-data';
import { EXTRA, isObject, STATUS_CLOSED } from './oracle.mapper';

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
