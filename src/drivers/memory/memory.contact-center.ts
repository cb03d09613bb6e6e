import type {
  AgentCommand,
  CreateCommand,
  GetCommand,
  InteractionRef,
  ListCommand,
  StopCommand,
  UpdateCommand,
} from '../../core/command';
import { assertValidCommand } from '../../core/command-rules';
import type { Driver, DriverDeps, DriverHealth } from '../../core/driver';
import { GatewayError, interactionNotFound } from '../../core/errors';
import type { Created, Interaction } from '../../core/interaction';
import { userDataBytes, type UserData } from '../../core/user-data';
import { assertOwner, planAgentOperation } from './agent-ops';
import { createInteractionIdGenerator, type InteractionIdGenerator } from './interaction-id';
import { DEFAULT_BYTE_LIMITS, DEFAULT_MAX_LIVE, type ByteLimits } from './memory.config';
import { interactionBytes, InteractionStore, type Placement, type Retention } from './memory.store';
import { applyUserDataChanges, cloneUserData } from './user-data-ops';

/** The embedded contact center is one tenant; GMS's example shows Interaction Server's first, 1. */
const TENANT_ID = 1;

/** Interaction Server's defaults for an open media create that names none (GMS service options). */
export const CREATE_DEFAULTS = { type: 'Inbound', subtype: 'InboundNew', mediaType: 'workitem' } as const;

/**
 * The memory backend: interactions, queues, workbins and agents in one process. Everything it answers is a copy,
 * so no caller can change the store by keeping a reference.
 */
export class MemoryContactCenter implements Driver {
  private readonly store: InteractionStore;
  private readonly nextId: InteractionIdGenerator = createInteractionIdGenerator();
  private seq = 0;

  constructor(
    private readonly deps: DriverDeps,
    retention: Retention,
    private readonly maxLive = DEFAULT_MAX_LIVE,
    private readonly limits: ByteLimits = DEFAULT_BYTE_LIMITS,
  ) {
    this.store = new InteractionStore(retention);
  }

  async create(command: CreateCommand): Promise<Created> {
    // Checked by the dispatcher already; again here, as this store is the reference every backend is held to.
    assertValidCommand(command);
    const now = this.tick();
    const { service, externalId } = command;
    if (externalId !== undefined && this.store.liveByExternalId(service, externalId)) {
      throw new GatewayError('already_exists', `An interaction with externalId ${externalId} already exists`, {
        subject: 'interaction',
        ref: externalId,
      });
    }
    this.checkUserDataSize(command.userData);
    if (this.store.liveCount >= this.maxLive) {
      // Retryable on purpose: the create may succeed once some interactions are stopped.
      throw full(`The contact center holds its maximum of ${this.maxLive} live interactions`);
    }
    const at = now.toISOString();
    const id = this.nextId(now.getTime());
    const interaction: Interaction = {
      id,
      service,
      type: command.interactionType ?? CREATE_DEFAULTS.type,
      subtype: command.interactionSubtype ?? CREATE_DEFAULTS.subtype,
      mediaType: command.mediaType ?? CREATE_DEFAULTS.mediaType,
      state: 'queued',
      queue: command.queue ?? service,
      receivedAt: command.receivedAt ?? at,
      submittedAt: at,
      placedInQueueAt: at,
      userData: cloneUserData(command.userData),
      tenantId: TENANT_ID,
      submittedBy: `openmedia-gateway:${command.context.dialect}`,
      submitSeq: this.nextSeq(),
      movedToQueueAt: at,
      placeInQueueSeq: this.nextSeq(),
    };
    if (externalId !== undefined) interaction.externalId = externalId;
    if (command.parentInteractionId !== undefined) interaction.parentInteractionId = command.parentInteractionId;
    if (Object.keys(command.extra).length > 0) interaction.extra = { ...command.extra };
    this.reserve(interactionBytes(interaction));
    this.store.insert(interaction);
    return externalId === undefined ? { id } : { id, externalId };
  }

  async get(command: GetCommand): Promise<Interaction> {
    this.tick();
    return copyInteraction(this.find(command.service, command.ref));
  }

  async update(command: UpdateCommand): Promise<void> {
    assertValidCommand(command);
    this.tick();
    const interaction = this.findLive(command.service, command.ref);
    if (command.asAgent !== undefined) assertOwner(interaction, command.asAgent);
    const userData = applyUserDataChanges(interaction.userData, command.changes);
    this.checkUserDataSize(userData);
    this.reserve(userDataBytes(userData) - userDataBytes(interaction.userData));
    this.store.setUserData(interaction, userData);
  }

  async stop(command: StopCommand): Promise<void> {
    const now = this.tick();
    const interaction = this.findLive(command.service, command.ref);
    const { reasonSystemName: systemName, reasonDescription: description } = command;
    const reason =
      systemName === undefined && description === undefined
        ? undefined
        : { ...(systemName !== undefined && { systemName }), ...(description !== undefined && { description }) };
    this.store.stop(interaction, now, reason);
  }

  async agent(command: AgentCommand): Promise<void> {
    const now = this.tick();
    const interaction = this.find(command.service, command.ref);
    const outcome = planAgentOperation(interaction, command.agentId, command.operation, now.toISOString());
    if (outcome.kind === 'stop') this.store.stop(interaction, now, undefined);
    else this.store.place(interaction, this.withQueueHistory(interaction, outcome.placement, now.toISOString()));
  }

  /**
   * A placement into a queue is a new event in Interaction Server's sequence; moving to another queue also resets
   * the time the interaction entered its queue. Taking it out of the queue (handling, workbin) keeps both as history.
   */
  private withQueueHistory(interaction: Interaction, placement: Placement, at: string): Placement {
    if (placement.state !== 'queued' || placement.placedInQueueAt === interaction.placedInQueueAt) return placement;
    const movedToQueueAt = placement.queue === interaction.queue && interaction.movedToQueueAt !== undefined ? interaction.movedToQueueAt : at;
    return { ...placement, queueHistory: { movedToQueueAt, placeInQueueSeq: this.nextSeq() } };
  }

  /** Interaction Server numbers its events in one sequence; GMS shows them as decimal strings. */
  private nextSeq(): string {
    this.seq += 1;
    return String(this.seq);
  }

  async list(command: ListCommand): Promise<Interaction[]> {
    this.tick();
    const filter = { agentId: command.agentId, workbin: command.workbin };
    return this.store.list(command.service, filter, command.limit).map(copyInteraction);
  }

  async locate(id: string): Promise<string | undefined> {
    this.tick();
    return this.store.serviceOf(id);
  }

  async health(): Promise<DriverHealth> {
    return { ok: true };
  }

  /** Nothing to release: no timers, sockets or files, and interactions stay readable for whoever still holds it. */
  async close(): Promise<void> {}

  /** The clock for this command; retention runs here because eviction only ever inspects the oldest stop. */
  private tick(): Date {
    const now = this.deps.now();
    this.store.evict(now.getTime());
    return now;
  }

  /** One interaction's user data is bounded on its own: too large is the caller's to fix (413), never retried. */
  private checkUserDataSize(userData: UserData): void {
    if (userDataBytes(userData) > this.limits.maxUserDataBytes) {
      throw new GatewayError('invalid_request', `User data exceeds ${this.limits.maxUserDataBytes} bytes`, { reason: 'too_large' });
    }
  }

  /** Room for `bytes` more within the total budget, or "try again": stops and retention free room over time. */
  private reserve(bytes: number): void {
    if (bytes > 0 && !this.store.makeRoom(bytes, this.limits.maxBytes)) {
      throw full(`The contact center holds its maximum of ${this.limits.maxBytes} bytes`);
    }
  }

  private find(service: string, ref: InteractionRef): Interaction {
    const interaction = this.store.find(service, ref);
    if (interaction) return interaction;
    throw interactionNotFound(ref);
  }

  /** Update and stop of a stopped interaction are a conflict (GMS 253, Nexus 409, Workspace 2). */
  private findLive(service: string, ref: InteractionRef): Interaction {
    const interaction = this.find(service, ref);
    if (interaction.state === 'stopped') {
      throw new GatewayError('conflict', `Interaction ${interaction.id} is already stopped`, {
        subject: 'interaction',
        ref: ref.value,
      });
    }
    return interaction;
  }
}

/** A client told to come back later should not come back at once: a stop or an eviction takes a while. */
const FULL_RETRY_AFTER_SECONDS = 5;

const full = (message: string): GatewayError =>
  new GatewayError('rate_limited', message, { retryAfterSeconds: FULL_RETRY_AFTER_SECONDS });

function copyInteraction(interaction: Interaction): Interaction {
  const copy: Interaction = { ...interaction, userData: cloneUserData(interaction.userData) };
  if (interaction.stopReason) copy.stopReason = { ...interaction.stopReason };
  if (interaction.extra) copy.extra = { ...interaction.extra };
  return copy;
}
