import type { CommandContext, CreateCommand } from '../../core/command';
import type { Interaction } from '../../core/interaction';
import { assertSafeKey, entryFromValue, userDataToObject, type UserData, type UserDataEntry } from '../../core/user-data';
import { STATUS_CLOSED, STATUS_OPEN, type CreateRequest, type DataRow } from './oracle.schema';

/** Oracle attributes with no canonical home live in Interaction.extra under this namespace (DESIGN §3). */
export const EXTRA_PREFIX = 'oracle.';
const EXTRA_FIELDS = ['ChannelTypeCd', 'DirectionCd', 'Description'] as const;

export const DIRECTION_INBOUND = 'ORA_SVC_INBOUND';
export const DIRECTION_OUTBOUND = 'ORA_SVC_OUTBOUND';

/** InteractionData rows → user data, in order; a null or array value is refused naming its key. */
export function userDataFromRows(rows: readonly DataRow[]): UserData {
  return rows.map((row) => {
    assertSafeKey(row.DataKey);
    return entryFromValue(row.DataKey, row.DataValue);
  });
}

/**
 * POST /interactions → create. OriginalSystemReference is the externalId, StartTime the time the interaction
 * was received; ChannelTypeCd, DirectionCd and Description have no canonical home and are kept in `extra`.
 */
export function toCreateCommand(req: CreateRequest, service: string, context: CommandContext): CreateCommand {
  const extra: Record<string, string> = {};
  for (const field of EXTRA_FIELDS) {
    const value = req[field];
    if (typeof value === 'string') extra[EXTRA_PREFIX + field] = value;
  }
  const command: CreateCommand = { kind: 'create', service, context, userData: userDataFromRows(req.InteractionData ?? []), extra };
  if (req.OriginalSystemReference) command.externalId = req.OriginalSystemReference;
  if (req.StartTime) command.receivedAt = new Date(req.StartTime).toISOString();
  return command;
}

export interface OracleRow {
  InteractionId: number;
  DataKey: string;
  DataValue: unknown;
}

/** One user-data entry as an InteractionData row: text stays text, an int a number, a kvlist an object. */
export function renderRow(entry: UserDataEntry, interactionId: number): OracleRow {
  const value = entry.type === 'kvlist' ? userDataToObject(entry.value) : entry.value;
  return { InteractionId: interactionId, DataKey: entry.key, DataValue: value };
}

/** One page of a collection (Oracle `resourcecollection`) of `total` items: `hasMore` asks for the next page. */
export function renderCollection<T>(items: readonly T[], page: { offset: number; limit: number }, total: number): Record<string, unknown> {
  return { items, count: items.length, hasMore: page.offset + items.length < total, limit: page.limit, offset: page.offset };
}

export interface ItemIds {
  interactionId: number;
  /** The parent's InteractionId; a top-level interaction is its own parent, as the spec's example shows. */
  parentInteractionId: number;
  /** Absolute URL of this item (`…/interactions/{InteractionId}`), for `links`. */
  href: string;
}

/**
 * The interaction as an `interactions-item-response`. Interactions created through another dialect have no
 * Oracle attributes of their own: ChannelTypeCd and Description are null and DirectionCd follows the
 * interaction type.
 */
export function renderItem(interaction: Interaction, ids: ItemIds): Record<string, unknown> {
  const extra = (field: (typeof EXTRA_FIELDS)[number]): string | undefined => interaction.extra?.[EXTRA_PREFIX + field];
  const direction = extra('DirectionCd') ?? (/^outbound/i.test(interaction.type) ? DIRECTION_OUTBOUND : DIRECTION_INBOUND);
  return {
    InteractionId: ids.interactionId,
    ParentInteractionId: ids.parentInteractionId,
    TopLevelFlag: String(ids.parentInteractionId === ids.interactionId),
    Description: extra('Description') ?? null,
    ChannelTypeCd: extra('ChannelTypeCd') ?? null,
    DirectionCd: direction,
    StatusCd: interaction.state === 'stopped' ? STATUS_CLOSED : STATUS_OPEN,
    OriginalSystemReference: interaction.externalId ?? null,
    QueueName: interaction.queue ?? null,
    StartTime: interaction.receivedAt,
    EndTime: interaction.stoppedAt ?? null,
    CreationDate: interaction.submittedAt,
    InteractionData: interaction.userData.map((entry) => renderRow(entry, ids.interactionId)),
    links: [
      { rel: 'self', href: ids.href, name: 'interactions', kind: 'item' },
      { rel: 'canonical', href: ids.href, name: 'interactions', kind: 'item' },
      { rel: 'child', href: `${ids.href}/child/InteractionData`, name: 'InteractionData', kind: 'collection' },
    ],
  };
}
