import type { Created, Interaction } from './interaction';
import type { UserData } from './user-data';

/** Who asked, and how: carried by every command, never used to decide what the command means. */
export interface CommandContext {
  requestId: string;
  dialect: string;
  /** The authenticated client (API key name, Basic user, agent), or undefined when anonymous. */
  client?: string;
  idempotencyKey?: string;
  /**
   * Set by the idempotency stage: an earlier try of this very request may have been applied upstream, so an
   * "already exists" for its externalId is that try's interaction, not a duplicate.
   */
  priorOutcomeUnknown?: boolean;
  /**
   * Set by the idempotency stage: the claim this request runs under. A retry that takes over an earlier try whose
   * outcome is unknown (it died, or lost its answer) runs under that try's claim id, so what the earlier try
   * reserved in the state store (an outbox item) is found again instead of being made twice.
   */
  claimId?: string;
  /** GMS `gms_user` header: passed through as context, never a credential. */
  gmsUser?: string;
  /** Distributed trace id (Nexus X-B3-TraceId), propagated upstream. */
  traceId?: string;
  receivedAt: Date;
  /** The inbound request's overall deadline (epoch ms); upstream calls must finish before it. */
  deadline?: number;
}

/** An interaction named by the gateway id or by the client's externalId. */
export interface InteractionRef {
  by: 'id' | 'externalId';
  value: string;
}

/**
 * User-data changes with their exact semantics:
 * upsert (GMS change[k], Workspace UpdateUserData), add (Nexus addedProperties, Workspace AttachUserData
 * with keepDuplicates), replace (Nexus changedProperties), delete (keys; an absent key is no error).
 */
export type UserDataChange =
  | { op: 'upsert' | 'replace'; entries: UserData }
  | { op: 'add'; entries: UserData; keepDuplicates?: boolean }
  | { op: 'delete'; keys: string[] };

interface Base {
  service: string;
  context: CommandContext;
}

export interface CreateCommand extends Base {
  kind: 'create';
  externalId?: string;
  parentInteractionId?: string;
  receivedAt?: string;
  interactionType?: string;
  interactionSubtype?: string;
  mediaType?: string;
  queue?: string;
  userData: UserData;
  /** Dialect fields with no canonical home, namespaced by dialect (`oracle.ChannelTypeCd`); see Interaction.extra. */
  extra: Record<string, string>;
}

export interface GetCommand extends Base {
  kind: 'get';
  ref: InteractionRef;
}

export interface UpdateCommand extends Base {
  kind: 'update';
  ref: InteractionRef;
  /** At least one. */
  changes: UserDataChange[];
  /**
   * The Workspace agent making the change (DESIGN §4 wwe: every operation but Accept needs the caller to own the
   * interaction). A backend that tracks ownership refuses the change (conflict) unless this agent owns it; backends
   * with no notion of ownership ignore it.
   */
  asAgent?: string;
}

export interface StopCommand extends Base {
  kind: 'stop';
  ref: InteractionRef;
  reasonSystemName?: string;
  reasonDescription?: string;
}

export type AgentOperation =
  | { op: 'accept' | 'reject' | 'cancel' | 'complete' }
  | { op: 'placeInQueue'; queue: string }
  | { op: 'placeInWorkbin'; workbin: string }
  | { op: 'transfer'; targetAgentId: string };

export interface AgentCommand extends Base {
  kind: 'agent';
  ref: InteractionRef;
  agentId: string;
  operation: AgentOperation;
}

/**
 * Live interactions. `service` is a service name or a pattern as in routes (`*` matches any run of characters):
 * Workspace shows an agent everything it may see across services, so `*` (or the caller's scope) lists every
 * backend that can list, each keeping to the services routed to it.
 */
export interface ListCommand extends Base {
  kind: 'list';
  /**
   * Only the interactions this agent owns (Workspace `/me/interactions`); with `workbin`, only those in that agent's
   * own workbin of that name (Workspace GetWorkbinContent).
   */
  agentId?: string;
  /** Only the interactions in this workbin (Workspace GetWorkbinContent). */
  workbin?: string;
  /** At most this many (a positive integer): each backend stops there, so no list is built without bound. */
  limit?: number;
}

export type Command = CreateCommand | GetCommand | UpdateCommand | StopCommand | AgentCommand | ListCommand;
export type CommandKind = Command['kind'];
export type CommandOf<K extends CommandKind> = Extract<Command, { kind: K }>;

/** What each command answers. update, stop and agent operations answer nothing but success. */
export interface ResultMap {
  create: Created;
  get: Interaction;
  update: void;
  stop: void;
  agent: void;
  list: Interaction[];
}
export type ResultOf<K extends CommandKind> = ResultMap[K];

export const COMMAND_KINDS: readonly CommandKind[] = ['create', 'get', 'update', 'stop', 'agent', 'list'];
