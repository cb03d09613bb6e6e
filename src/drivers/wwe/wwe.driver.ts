import type { AgentCommand, CommandContext, GetCommand, InteractionRef, ListCommand, StopCommand, UpdateCommand } from '../../core/command';
import type { Driver, DriverDefinition, DriverHealth } from '../../core/driver';
import { GatewayError } from '../../core/errors';
import type { Interaction } from '../../core/interaction';
import type { HttpDriverDeps, UpstreamClient, UpstreamResponse } from '../http/upstream';
import { upstreamClientFor } from '../http/upstream.client';
import { parseJsonBody } from '../http/upstream.json';
import { markIfUncertain } from '../http/upstream.failure';
import { checkWweAnswer, toInteraction, toInteractions, wweMessage } from './wwe.answer';
import { wweDriverConfigSchema, type WweDriverConfig } from './wwe.config';
import { toAgentRequest, toCompleteRequest, toGetRequest, toListRequest, toUpdateRequests, toUpstreamRequest, type WweRequest } from './wwe.mapper';

type WweCommand = { kind: string; context: CommandContext };

/** Refusals Workspace gives in the normal course of business: worth a debug line, not a warning. */
const EXPECTED = new Set(['not_found', 'already_exists', 'conflict']);

/**
 * Workspace Web Services v2 (DESIGN §5 wwe; specs/wwe-interactions-v2.txt), acting as one agent: get, user data,
 * Complete as stop, the agent operations, and lists. No create: Workspace has none, so the core answers a create
 * routed here `unsupported` before any I/O.
 */
class WweDriver implements Driver {
  private readonly client: UpstreamClient;

  constructor(
    private readonly deps: HttpDriverDeps,
    private readonly config: WweDriverConfig,
  ) {
    this.client = upstreamClientFor(deps, config);
  }

  async get(command: GetCommand): Promise<Interaction> {
    const { body, status } = await this.call(toGetRequest(command.ref), command, command.ref);
    return toInteraction(body.interaction, command.service, status);
  }

  /** One operation per change, in order; a failure stops there, with the earlier changes applied (as Workspace would). */
  async update(command: UpdateCommand): Promise<void> {
    this.assertActsFor(command.asAgent);
    for (const request of toUpdateRequests(command)) await this.call(request, command, command.ref);
  }

  async stop(command: StopCommand): Promise<void> {
    await this.call(toCompleteRequest(command.ref), command, command.ref);
  }

  async agent(command: AgentCommand): Promise<void> {
    this.assertActsFor(command.agentId);
    await this.call(toAgentRequest(command.ref, command.operation), command, command.ref);
  }

  async list(command: ListCommand): Promise<Interaction[]> {
    this.assertActsFor(command.agentId);
    const { body, status } = await this.call(toListRequest(command), command, undefined);
    const interactions = toInteractions(body, command.service, status);
    // Workspace lists have no paging (spec, /me/interactions): the answer is bounded by the client's body limit.
    return command.limit === undefined ? interactions : interactions.slice(0, command.limit);
  }

  async health(): Promise<DriverHealth> {
    const state = this.client.breakerState();
    return state === 'closed' ? { ok: true } : { ok: false, detail: `circuit breaker ${state}` };
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /**
   * The driver is one agent upstream: an operation asked for another agent would be done, and owned, by the wrong
   * one, so it is refused before any I/O.
   */
  private assertActsFor(agentId: string | undefined): void {
    const { username } = this.config.basicAuth;
    if (agentId !== undefined && agentId !== username) {
      throw new GatewayError('unsupported', `Backend ${this.deps.backendName} acts as Workspace agent ${username} only`);
    }
  }

  private async call(request: WweRequest, command: WweCommand, ref: InteractionRef | undefined): Promise<{ body: Record<string, unknown>; status: number }> {
    const upstream = toUpstreamRequest(request, command.context, this.config);
    upstream.failureInAnswer = (res) => this.failureInAnswer(res, ref);
    const res = await this.client.request(upstream);
    let parsed: unknown;
    try {
      parsed = this.answerBody(res);
      return { body: checkWweAnswer(res.status, parsed, ref), status: res.status };
    } catch (err) {
      if (err instanceof GatewayError) this.logRefusal(err, res, parsed, command, request);
      throw markIfUncertain(err, res);
    }
  }

  /** What answers 401/403 is often a proxy with an HTML page, and an empty 200 is an acknowledgement. */
  private answerBody(res: UpstreamResponse): unknown {
    if (res.status === 401 || res.status === 403 || res.body.trim() === '') return undefined;
    return parseJsonBody(res, this.deps.backendName);
  }

  /**
   * Workspace's "internal error" (4) in an HTTP 200 is the upstream failing: handed to the upstream client so it
   * counts for the breaker and is retried where safe, as a 503 would be. Every other answer is left to call().
   */
  private failureInAnswer(res: UpstreamResponse, ref: InteractionRef | undefined): GatewayError | undefined {
    try {
      checkWweAnswer(res.status, this.answerBody(res), ref);
      return undefined;
    } catch (err) {
      return err instanceof GatewayError && err.retryable ? err : undefined;
    }
  }

  /** The upstream's statusMessage is logged for the operator, never answered. */
  private logRefusal(err: GatewayError, res: UpstreamResponse, body: unknown, command: WweCommand, request: WweRequest): void {
    const log = EXPECTED.has(err.code) ? this.deps.logger.debug : this.deps.logger.warn;
    log.call(this.deps.logger, `Backend ${this.deps.backendName} refused a ${command.kind}`, {
      backend: this.deps.backendName,
      requestId: command.context.requestId,
      method: request.method,
      path: request.path,
      upstreamStatus: res.status,
      upstreamCode: err.details.upstreamCode,
      upstreamMessage: wweMessage(body),
      code: err.code,
    });
  }
}

export const wweDriver: DriverDefinition<WweDriverConfig, HttpDriverDeps> = {
  name: 'wwe',
  configSchema: wweDriverConfigSchema,
  basePath: '/api/v2',
  create: (deps, config) => new WweDriver(deps, config),
};
