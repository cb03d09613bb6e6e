import type { AgentOperation } from '../../core/command';
import { GatewayError } from '../../core/errors';
import type { Interaction } from '../../core/interaction';
import type { Placement } from './memory.store';

export type AgentOutcome = { kind: 'place'; placement: Placement } | { kind: 'stop' };

/**
 * Where an agent operation leaves an interaction, as the Workspace interaction operations define it (DESIGN §4
 * wwe). Pure, so the rules are checked before anything changes; a broken rule is `conflict` (Workspace value 2).
 * Accept takes a queued interaction nobody owns, or one the caller parked in its own workbin.
 */
export function planAgentOperation(
  interaction: Interaction,
  agentId: string,
  operation: AgentOperation,
  now: string,
): AgentOutcome {
  if (interaction.state === 'stopped') throw conflict(interaction, 'is stopped');
  const inQueue = { queue: interaction.queue, placedInQueueAt: interaction.placedInQueueAt };
  if (operation.op === 'accept') {
    // An agent takes back what it parked in its own workbin (spec, PlaceInWorkbin: "to continue the processing later").
    const waiting =
      (interaction.state === 'queued' && interaction.agentId === undefined) ||
      (interaction.state === 'inWorkbin' && interaction.workbinAgentId === agentId);
    if (!waiting) {
      throw conflict(interaction, interaction.state === 'inWorkbin' ? "is in another agent's workbin" : 'is not waiting in a queue');
    }
    return place({ state: 'handling', ...inQueue, agentId });
  }
  assertOwner(interaction, agentId);
  switch (operation.op) {
    case 'reject':
    case 'cancel':
      return place({ state: 'queued', queue: interaction.queue, placedInQueueAt: now });
    case 'complete':
      return { kind: 'stop' };
    case 'placeInQueue':
      return place({ state: 'queued', queue: operation.queue, placedInQueueAt: now });
    case 'placeInWorkbin':
      return place({ state: 'inWorkbin', ...inQueue, workbin: operation.workbin, workbinAgentId: agentId });
    case 'transfer':
      return place({ state: 'handling', ...inQueue, agentId: operation.targetAgentId });
  }
}

/** Every Workspace operation but Accept is the owner's alone. */
export function assertOwner(interaction: Interaction, agentId: string): void {
  if (interaction.agentId !== agentId) throw conflict(interaction, `is not owned by agent ${agentId}`);
}

const place = (placement: Placement): AgentOutcome => ({ kind: 'place', placement });

const conflict = (interaction: Interaction, why: string): GatewayError =>
  new GatewayError('conflict', `Interaction ${interaction.id} ${why}`, { subject: 'interaction', ref: interaction.id });
