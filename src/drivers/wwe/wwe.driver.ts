import type { AgentCommand, CommandContext, GetCommand, InteractionRef, ListCommand, StopCommand, UpdateCommand } from '../../core/command';
import type { DriverDefinition } from '../../core/driver';
import { GatewayError } from '../../core/errors';
import type { Interaction } from '../../core/interaction';
import { HttpDriver, withUpstreamMessage } from '../http/http-driver';
import type { HttpDriverDeps, UpstreamResponse } from '../http/upstream';
import { parseJsonBody } from '../http/upstream.json';
import { markIfUncertain } from '../http/upstream.failure';
import { checkWweAnswer, toInteraction, toInteractions, wweMessage } from './wwe.answer';
import { wweDriverConfigSchema, type WweDriverConfig } from './wwe.config';
import { toAgentRequest, toCompleteRequest, toGetRequest, toListRequest, toUpdateRequests, toUpstreamRequest, type WweRequest } from './wwe.mapper';

type WweCommand = { kind: string; context: CommandContext };

/**
 * Workspace Web Services v2 (DESIGN §5 wwe; specs/wwe-interactions-v2.txt), acting as one agent: get, user data,
 * Complete as stop, the agent operations, and lists. No create: Workspace has none, so the core answers a create
 * routed here `unsupported` before any I/O.
 */
class WweDriver extends HttpDriver<WweDriverConfig> {
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
      throw markIfUncertain(err instanceof GatewayError ? withUpstreamMessage(err, wweMessage(parsed)) : err, res);
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
    let body: unknown;
    try {
      body = this.answerBody(res);
      checkWweAnswer(res.status, body, ref);
      return undefined;
    } catch (err) {
      // The client throws this one itself, so call() never sees it: the statusMessage rides on it from here.
      return err instanceof GatewayError && err.retryable ? withUpstreamMessage(err, wweMessage(body)) : undefined;
    }
  }
}

export const wweDriver: DriverDefinition<WweDriverConfig, HttpDriverDeps> = {
  name: 'wwe',
  configSchema: wweDriverConfigSchema,
  basePath: '/api/v2',
  create: (deps, config) => new WweDriver(deps, config),
};
