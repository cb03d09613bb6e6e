import type { CommandContext, InteractionRef } from '../../core/command';
import { idempotencyKeyOf } from '../../http/idempotency-key';
import { GatewayError } from '../../core/errors';
import type { Interaction } from '../../core/interaction';
import { authenticated } from '../../http/credentials';
import { requestOrigin } from '../../http/host';
import type { InboundDeps, InboundRequest } from '../../http/wire';
import { createOracleAuth, type OracleCaller } from './oracle.auth';
import type { OracleInboundConfig } from './oracle.config';
import { renderItem } from './oracle.mapper';
import { interactionNotFound, parseInteractionId } from './oracle.wire';

export const ORACLE_DIALECT = 'oracle';
export const ORACLE_BASE_PATH = '/crmRestApi/resources/11.13.18.05/interactions';

/** An interaction named by its InteractionId, found, and open to the caller. */
export interface Located {
  interactionId: number;
  service: string;
  ref: InteractionRef;
  context: CommandContext;
}

/**
 * What every Oracle endpoint needs around its command: the caller, the interaction an InteractionId stands for
 * (alias → canonical id → service, DESIGN "Which service?") and the item as the dialect shows it.
 */
export class OracleAccess {
  private readonly authenticate: (authorization: string | undefined) => OracleCaller;

  constructor(
    private readonly deps: InboundDeps,
    private readonly config: OracleInboundConfig,
  ) {
    this.authenticate = createOracleAuth(config);
  }

  /** Checks the credential and answers the command context; facts are recorded for the log line. */
  begin(req: InboundRequest): { caller: OracleCaller; context: CommandContext } {
    const caller = this.authenticate(req.headers.authorization);
    if (caller.credential !== undefined) authenticated(req, caller.credential);
    const context: CommandContext = { requestId: req.requestId, dialect: ORACLE_DIALECT, receivedAt: req.receivedAt, deadline: req.deadline };
    if (caller.client !== undefined) context.client = caller.client;
    // The generic HTTP Idempotency-Key (IETF draft -07): a POST or PATCH sent again is answered from the first.
    const idempotencyKey = idempotencyKeyOf(req);
    if (idempotencyKey !== undefined) context.idempotencyKey = idempotencyKey;
    return { caller, context };
  }

  /** The dialect's own service (creates, lookups, listings), when the caller may use it. */
  ownService(caller: OracleCaller): string {
    const { service } = this.config;
    if (!caller.mayUse(service)) throw new GatewayError('forbidden', `Not allowed for service ${service}`);
    return service;
  }

  /**
   * The interaction `{InteractionId}` names. One outside the caller's scope is not found, exactly as one that
   * does not exist: a scoped credential must not learn what other tenants hold.
   */
  async locate(req: InboundRequest): Promise<Located> {
    const { caller, context } = this.begin(req);
    const interactionId = parseInteractionId(req.params.InteractionId!);
    const id = await this.deps.index.idOfNumericAlias(interactionId);
    if (id === undefined) throw interactionNotFound(interactionId);
    const service = (await this.deps.index.locate(id))?.service ?? this.config.service;
    if (!caller.mayUse(service)) throw interactionNotFound(interactionId);
    return { interactionId, service, ref: { by: 'id', value: id }, context };
  }

  /** The canonical id of a create's ParentInteractionId; one the caller cannot see is as unknown as a missing one. */
  async parentOf(parentInteractionId: number, caller: OracleCaller): Promise<string> {
    const id = await this.deps.index.idOfNumericAlias(parentInteractionId);
    const service = id === undefined ? undefined : ((await this.deps.index.locate(id))?.service ?? this.config.service);
    if (id === undefined || service === undefined || !caller.mayUse(service)) {
      throw new GatewayError('invalid_request', `ParentInteractionId ${parentInteractionId} names no interaction`, { field: 'ParentInteractionId' });
    }
    return id;
  }

  async get(where: Pick<Located, 'service' | 'ref' | 'context'>, req: InboundRequest): Promise<Interaction> {
    const { result } = await this.deps.execute({ kind: 'get', service: where.service, context: where.context, ref: where.ref }, req);
    return result;
  }

  /** The interaction with this OriginalSystemReference in a service (the open one, else the latest), if any. */
  async findByExternalId(service: string, externalId: string, context: CommandContext, req: InboundRequest): Promise<Interaction | undefined> {
    try {
      return await this.get({ service, context, ref: { by: 'externalId', value: externalId } }, req);
    } catch (err) {
      // An unrouted service stays an error: only an absent interaction is an empty answer.
      if (err instanceof GatewayError && err.code === 'not_found' && err.details.subject !== 'service') return undefined;
      throw err;
    }
  }

  /** Reads a located interaction; a closed one refuses change (409), as PATCH of a closed interaction does. */
  async getOpen(where: Located, req: InboundRequest): Promise<Interaction> {
    const interaction = await this.get(where, req);
    if (interaction.state === 'stopped') {
      throw new GatewayError('conflict', `Interaction ${where.interactionId} is closed`, { subject: 'interaction', ref: String(where.interactionId) });
    }
    return interaction;
  }

  /** The item, its InteractionId kept in the id index as this dialect shows it. */
  async item(interaction: Interaction, req: InboundRequest): Promise<Record<string, unknown>> {
    const interactionId = await this.deps.index.numericAliasOf(interaction.id);
    const parent = interaction.parentInteractionId;
    const parentInteractionId = parent === undefined ? interactionId : await this.deps.index.numericAliasOf(parent);
    return renderItem(interaction, { interactionId, parentInteractionId, href: `${baseUrlOf(req)}/${interactionId}` });
  }

  /**
   * The item of an interaction just created, shown with the InteractionId reserved before the create. The create
   * was applied: a store failing now must not turn it into an error (a client's retry would create it twice), so
   * the reserved number is answered, and the operator told that it could not be recorded.
   */
  async createdItem(interaction: Interaction, reserved: number, parentInteractionId: number | undefined, req: InboundRequest): Promise<Record<string, unknown>> {
    let interactionId = reserved;
    try {
      interactionId = await this.deps.index.numericAliasOf(interaction.id, reserved);
    } catch (err) {
      this.deps.logger.warn('Could not record the InteractionId of a created interaction', { requestId: req.requestId, interactionId, error: String(err) });
    }
    return renderItem(interaction, { interactionId, parentInteractionId: parentInteractionId ?? interactionId, href: `${baseUrlOf(req)}/${interactionId}` });
  }
}

/** Links are absolute, as Oracle's are, when the Host header is a plain host; otherwise relative to the server. */
function baseUrlOf(req: InboundRequest): string {
  return `${requestOrigin(req.headers) ?? ''}${ORACLE_BASE_PATH}`;
}
