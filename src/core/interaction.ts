import type { CreateCommand } from './command';
import type { UserData } from './user-data';

export const INTERACTION_STATES = ['queued', 'handling', 'inWorkbin', 'stopped'] as const;
export type InteractionState = (typeof INTERACTION_STATES)[number];

/** The canonical open media interaction, as every dialect renders it and every driver returns it. */
export interface Interaction {
  id: string;
  externalId?: string;
  service: string;
  parentInteractionId?: string;
  type: string;
  subtype: string;
  mediaType: string;
  state: InteractionState;
  queue?: string;
  workbin?: string;
  agentId?: string;
  /**
   * While `inWorkbin`: the agent whose workbin holds it. A Workspace workbin is an agent's own (Interaction
   * Server's agent workbins): the agent who parked it there sees it and takes it back; nobody else does.
   */
  workbinAgentId?: string;
  /** ISO 8601 timestamps. */
  receivedAt: string;
  submittedAt: string;
  placedInQueueAt?: string;
  stoppedAt?: string;
  stopReason?: { systemName?: string; description?: string };
  userData: UserData;
  /**
   * Dialect fields with no canonical home (Oracle ChannelTypeCd, VSP AccountId…), namespaced by the dialect that
   * set them (`oracle.ChannelTypeCd`); shown back only by that dialect. Absent when there are none.
   */
  extra?: Record<string, string>;
  /**
   * Interaction Server's bookkeeping, as GMS shows it (spec, Get response: interactionTenantId,
   * interactionSubmittedBy, interactionSubmitSeq, interactionMovedToQueueAt, interactionPlaceInQueueSeq). Kept by
   * the memory backend and passed through by the gms driver; other backends have none.
   */
  tenantId?: number;
  submittedBy?: string;
  submitSeq?: string;
  /** When the interaction entered its present queue; placedInQueueAt is its latest placement there. */
  movedToQueueAt?: string;
  placeInQueueSeq?: string;
}

/** What a create answers: every dialect needs the id, some echo the externalId. */
export interface Created {
  id: string;
  externalId?: string;
  /**
   * Accepted by the gateway and queued for delivery (outbox): `id` is the id the gateway reserved, an alias of
   * the upstream's once delivered. Dialects with an "accepted" answer say so (Nexus 202).
   */
  pending?: true;
}

/**
 * The interaction a create asks for, before any backend has done more than accept it: queued under `id`, with
 * what the client sent. What a create queued in the outbox shows, and what a create answers when the interaction
 * it made cannot be read back.
 */
export function queuedInteraction(id: string, create: Omit<CreateCommand, 'context'>, submittedAt: string): Interaction {
  const interaction: Interaction = {
    id,
    service: create.service,
    type: create.interactionType ?? '',
    subtype: create.interactionSubtype ?? '',
    mediaType: create.mediaType ?? '',
    state: 'queued',
    receivedAt: create.receivedAt ?? submittedAt,
    submittedAt,
    userData: create.userData,
  };
  if (create.externalId !== undefined) interaction.externalId = create.externalId;
  if (create.parentInteractionId !== undefined) interaction.parentInteractionId = create.parentInteractionId;
  if (create.queue !== undefined) interaction.queue = create.queue;
  if (Object.keys(create.extra).length > 0) interaction.extra = create.extra;
  return interaction;
}
