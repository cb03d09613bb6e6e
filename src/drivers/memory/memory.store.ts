import type { InteractionRef } from '../../core/command';
import { compilePattern, isPattern } from '../../core/pattern';
import type { Interaction } from '../../core/interaction';
import { userDataBytes, type UserData } from '../../core/user-data';
import { StoppedQueue } from './stopped-queue';

export interface Retention {
  /** Stopped interactions older than this are forgotten. */
  maxStoppedAgeMs: number;
  /** At most this many stopped interactions are kept; the oldest go first. */
  maxStopped: number;
}

/** Where a live interaction sits: the fields agent operations move. */
export interface Placement {
  state: 'queued' | 'handling' | 'inWorkbin';
  queue?: string;
  workbin?: string;
  workbinAgentId?: string;
  agentId?: string;
  placedInQueueAt?: string;
  /** Set when the placement is a new one into a queue (Interaction Server's event bookkeeping). */
  queueHistory?: { movedToQueueAt: string; placeInQueueSeq: string };
}

export interface ListFilter {
  agentId?: string;
  workbin?: string;
}

type ById = Map<string, Interaction>;

/** An interaction's own fields, ids, timestamps and index slots, beyond its user data. */
const INTERACTION_OVERHEAD_BYTES = 512;

/** The estimated memory an interaction holds (DESIGN §3 user data, plus a fixed record cost). */
export function interactionBytes(interaction: Interaction): number {
  let bytes = INTERACTION_OVERHEAD_BYTES + (interaction.externalId?.length ?? 0) + userDataBytes(interaction.userData);
  if (interaction.extra) for (const key in interaction.extra) bytes += key.length + interaction.extra[key]!.length;
  return bytes;
}

/**
 * One service's interactions. Every lookup goes through the service first, so one tenant never sees another's
 * ids, and an interaction sits in one id map only.
 */
interface ServiceSpace {
  /** Live and retained stopped interactions, in creation order. */
  byId: ById;
  liveByExternalId: ById;
  /** The latest stopped interaction of each externalId, for lookups once no live one holds it. */
  stoppedByExternalId: ById;
  byAgent: Map<string, ById>;
  byWorkbin: Map<string, ById>;
}

/**
 * The interaction store of the memory contact center. It holds the records themselves and keeps its indexes
 * right as they change; every operation but list costs O(1). Callers get records, not copies: the driver copies
 * what leaves it.
 */
export class InteractionStore {
  private live = 0;
  private held = 0;
  private readonly services = new Map<string, ServiceSpace>();
  private readonly stopped = new StoppedQueue<Interaction>();

  constructor(private readonly retention: Retention) {}

  /** By id or externalId within a service; by externalId the live interaction wins, else the latest stopped one. */
  find(service: string, ref: InteractionRef): Interaction | undefined {
    const space = this.services.get(service);
    if (!space) return undefined;
    if (ref.by === 'id') return space.byId.get(ref.value);
    return space.liveByExternalId.get(ref.value) ?? space.stoppedByExternalId.get(ref.value);
  }

  /** The service holding an id: ids are unique across services, so at most one does. */
  serviceOf(id: string): string | undefined {
    for (const [service, space] of this.services) if (space.byId.has(id)) return service;
    return undefined;
  }

  liveByExternalId(service: string, externalId: string): Interaction | undefined {
    return this.services.get(service)?.liveByExternalId.get(externalId);
  }

  /** Live (not stopped) interactions in all services. */
  get liveCount(): number {
    return this.live;
  }

  /** Estimated bytes of every interaction held, live and retained stopped ones. */
  get bytes(): number {
    return this.held;
  }

  /**
   * Makes room for `bytes` more within `maxBytes` by forgetting the oldest stopped interactions early: retention
   * is a bound, not a promise, and live interactions matter more. False when live ones alone leave no room.
   */
  makeRoom(bytes: number, maxBytes: number): boolean {
    while (this.held + bytes > maxBytes) {
      const interaction = this.stopped.shift();
      if (!interaction) return false;
      this.forget(interaction);
    }
    return true;
  }

  /** Adds a live interaction; the caller has checked that its externalId is free. */
  insert(interaction: Interaction): void {
    this.live++;
    this.held += interactionBytes(interaction);
    const space = this.spaceOf(interaction.service);
    space.byId.set(interaction.id, interaction);
    if (interaction.externalId !== undefined) space.liveByExternalId.set(interaction.externalId, interaction);
    this.indexPlacement(space, interaction);
  }

  setUserData(interaction: Interaction, userData: UserData): void {
    this.held += userDataBytes(userData) - userDataBytes(interaction.userData);
    interaction.userData = userData;
  }

  place(interaction: Interaction, placement: Placement): void {
    const space = this.spaceOf(interaction.service);
    this.unindexPlacement(space, interaction);
    interaction.state = placement.state;
    setOrDelete(interaction, 'queue', placement.queue);
    setOrDelete(interaction, 'workbin', placement.workbin);
    setOrDelete(interaction, 'workbinAgentId', placement.workbinAgentId);
    setOrDelete(interaction, 'agentId', placement.agentId);
    setOrDelete(interaction, 'placedInQueueAt', placement.placedInQueueAt);
    if (placement.queueHistory) {
      interaction.movedToQueueAt = placement.queueHistory.movedToQueueAt;
      interaction.placeInQueueSeq = placement.queueHistory.placeInQueueSeq;
    }
    this.indexPlacement(space, interaction);
  }

  stop(interaction: Interaction, at: Date, reason: Interaction['stopReason']): void {
    this.live--;
    const space = this.spaceOf(interaction.service);
    this.unindexPlacement(space, interaction);
    interaction.state = 'stopped';
    interaction.stoppedAt = at.toISOString();
    if (reason !== undefined) interaction.stopReason = reason;
    // A stopped interaction has no owner and sits in no workbin; its queue stays as history.
    setOrDelete(interaction, 'agentId', undefined);
    setOrDelete(interaction, 'workbin', undefined);
    setOrDelete(interaction, 'workbinAgentId', undefined);
    if (interaction.externalId !== undefined) {
      space.liveByExternalId.delete(interaction.externalId);
      space.stoppedByExternalId.set(interaction.externalId, interaction);
    }
    this.stopped.push(interaction, at.getTime());
  }

  /**
   * Live interactions of a service, or of every service a pattern matches (`*`), through the narrowest index the
   * filter allows, oldest first, at most `limit`. Without a filter this walks the services' retained stopped
   * interactions too, which retention bounds.
   */
  list(service: string, filter: ListFilter, limit = Number.POSITIVE_INFINITY): Interaction[] {
    const out: Interaction[] = [];
    if (!isPattern(service)) {
      const space = this.services.get(service);
      return space ? listSpace(space, filter, out, limit) : out;
    }
    const matches = compilePattern(service);
    for (const [name, space] of this.services) {
      if (out.length >= limit) break;
      if (matches(name)) listSpace(space, filter, out, limit);
    }
    return out;
  }

  /** Forgets stopped interactions beyond the retention; cheap enough to run before every command. */
  evict(nowMs: number): void {
    const { maxStopped, maxStoppedAgeMs } = this.retention;
    for (;;) {
      const oldest = this.stopped.oldestTime();
      if (oldest === undefined) return;
      if (this.stopped.size <= maxStopped && nowMs - oldest <= maxStoppedAgeMs) return;
      const interaction = this.stopped.shift();
      if (interaction) this.forget(interaction);
    }
  }

  private forget(interaction: Interaction): void {
    const space = this.services.get(interaction.service);
    if (!space) return;
    this.held -= interactionBytes(interaction);
    space.byId.delete(interaction.id);
    if (interaction.externalId !== undefined && space.stoppedByExternalId.get(interaction.externalId) === interaction) {
      space.stoppedByExternalId.delete(interaction.externalId);
    }
    if (space.byId.size === 0) this.services.delete(interaction.service);
  }

  private spaceOf(service: string): ServiceSpace {
    let space = this.services.get(service);
    if (!space) {
      space = {
        byId: new Map(),
        liveByExternalId: new Map(),
        stoppedByExternalId: new Map(),
        byAgent: new Map(),
        byWorkbin: new Map(),
      };
      this.services.set(service, space);
    }
    return space;
  }

  private indexPlacement(space: ServiceSpace, interaction: Interaction): void {
    if (interaction.agentId !== undefined) addTo(space.byAgent, interaction.agentId, interaction);
    if (interaction.workbin !== undefined) addTo(space.byWorkbin, interaction.workbin, interaction);
  }

  private unindexPlacement(space: ServiceSpace, interaction: Interaction): void {
    if (interaction.agentId !== undefined) removeFrom(space.byAgent, interaction.agentId, interaction.id);
    if (interaction.workbin !== undefined) removeFrom(space.byWorkbin, interaction.workbin, interaction.id);
  }
}

/** Appends to `out` the live interactions of one service that pass the filter; with a workbin, the agent is its owner. */
function listSpace(space: ServiceSpace, { agentId, workbin }: ListFilter, out: Interaction[], limit: number): Interaction[] {
  const source = workbin !== undefined ? space.byWorkbin.get(workbin) : agentId !== undefined ? space.byAgent.get(agentId) : space.byId;
  if (!source) return out;
  for (const interaction of source.values()) {
    if (out.length >= limit) break;
    if (interaction.state === 'stopped') continue;
    if (agentId !== undefined && (workbin !== undefined ? interaction.workbinAgentId : interaction.agentId) !== agentId) continue;
    out.push(interaction);
  }
  return out;
}

function addTo(index: Map<string, ById>, key: string, interaction: Interaction): void {
  let group = index.get(key);
  if (!group) index.set(key, (group = new Map()));
  group.set(interaction.id, interaction);
}

function removeFrom(index: Map<string, ById>, key: string, id: string): void {
  const group = index.get(key);
  if (!group) return;
  group.delete(id);
  if (group.size === 0) index.delete(key);
}

function setOrDelete<K extends 'queue' | 'workbin' | 'workbinAgentId' | 'agentId' | 'placedInQueueAt'>(
  interaction: Interaction,
  key: K,
  value: string | undefined,
): void {
  // `delete` only when needed: it turns a V8 object into a slower dictionary, and most interactions never move.
  if (value !== undefined) interaction[key] = value;
  else if (interaction[key] !== undefined) delete interaction[key];
}
