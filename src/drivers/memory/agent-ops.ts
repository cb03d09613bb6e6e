import type { AgentOperation } from '../../core/command';
import { GatewayError } from '../../core/errors';
import type { Interaction } from '../../core/interaction';
import type { Placement } from './memory.store';

export type AgentOutcome = { kind: 'place'; placement: Placement } | { kind: 'stop' };

/**
 * What an agent operation does to an interaction, following the Workspace interaction operations (DESIGN §4 wwe):
 * Accept takes a queued interaction nobody owns; every other operation requires the caller to own it. Reject and
 * Cancel put it back in its queue; PlaceInQueue and PlaceInWorkbin end ownership; Transfer moves it at once;
 * Complete stops it. A broken rule is `conflict` (Workspace return value 2).
 */
export function planAgentOperation(interaction: Interaction, agentId: string, operation: AgentOperation, now: string): AgentOutcome {
  if (interaction.state === 'stopped') throw conflict(interaction, 'is stopped');
  if (operation.op === 'accept') {
    if (interaction.state !== 'queued' || interaction.agentId !== undefined) throw conflict(interaction, 'is not waiting in a queue');
    return place({ state: 'handling', queue: interaction.queue, agentId, placedInQueueAt: interaction.placedInQueueAt });
  }
  if (interaction.agentId !== agentId) throw conflict(interaction, `is not owned by agent ${agentId}`);
  switch (operation.op) {
    case 'reject':
    case 'cancel':
      return place({ state: 'queued', queue: interaction.queue, placedInQueueAt: now });
    case 'complete':
      return { kind: 'stop' };
    case 'placeInQueue':
      return place({ state: 'queued', queue: operation.queue, placedInQueueAt: now });
    case 'placeInWorkbin':
      return place({ state: 'inWorkbin', queue: interaction.queue, workbin: operation.workbin, placedInQueueAt: interaction.placedInQueueAt });
    case 'transfer':
      return place({ state: 'handling', queue: interaction.queue, agentId: operation.targetAgentId, placedInQueueAt: interaction.placedInQueueAt });
  }
}

const place = (placement: Placement): AgentOutcome => ({ kind: 'place', placement });

const conflict = (interaction: Interaction, why: string): GatewayError =>
  new GatewayError('conflict', `Interaction ${interaction.id} ${why}`, { subject: 'interaction', ref: interaction.id });
