import type { CommandContext, CommandKind } from '../../core/command';
import { GatewayError, invalid } from '../../core/errors';
import type { Interaction } from '../../core/interaction';
import { assertJsonCharset } from '../../http/charset';
import { authenticated } from '../../http/credentials';
import { idempotencyKeyOf } from '../../http/idempotency-key';
import { requestOrigin } from '../../http/host';
import { isJsonContentType, parseJson } from '../../http/json';
import type { InboundDefinition, InboundDeps, InboundRequest, InboundRouter, OutboundResponse } from '../../http/wire';
import { createAgentCheck, createAgentDirectory, type Agent } from './wwe.auth';
import type { WweInboundConfig } from './wwe.config';
import { parseOperation } from './wwe.operations';
import { renderInteraction, renderWweError } from './wwe.render';

export const WWE_DIALECT = 'wwe';
export const WWE_BASE_PATH = '/api/v2';

const ok = (body: Record<string, unknown>): OutboundResponse => ({ status: 200, body: { statusCode: 0, ...body } });

/**
 * The most interactions one list answers (`/me/interactions`, `/interactions`, GetWorkbinContent), in the order
 * the backends answer (the memory one: oldest first). Workspace lists have no paging (spec); past the cap the
 * answer says `"truncated":true` rather than look complete.
 */
export const WWE_LIST_LIMIT = 1000;

interface Listed {
  interactions: Interaction[];
  truncated: boolean;
}

/**
 * The spec's `"uris":["http://.../api/v2/interactions/{id}"]`, on the host the caller reached; relative when the
 * Host header is unfit for a URL, rather than echo a client's text.
 */
function interactionUri(req: InboundRequest, id: string): string {
  return `${requestOrigin(req.headers) ?? ''}${WWE_BASE_PATH}/interactions/${encodeURIComponent(id)}`;
}

function createRouter(deps: InboundDeps, config: WweInboundConfig): InboundRouter {
  const checkAgent = createAgentCheck(config.users);
  const isAgent = createAgentDirectory(config.users);
  let referenceId = 0;

  /** The agent first: nothing about an interaction or a body is revealed to a caller who is not one. */
  const begin = (req: InboundRequest, kind: CommandKind): { agent: Agent; context: CommandContext } => {
    req.facts.command = kind;
    const agent = checkAgent(req.headers.authorization);
    if (agent.client) authenticated(req, agent.client);
    else req.facts.client = agent.id;
    const context: CommandContext = { requestId: req.requestId, dialect: WWE_DIALECT, client: agent.id, receivedAt: req.receivedAt, deadline: req.deadline };
    const idempotencyKey = idempotencyKeyOf(req);
    if (idempotencyKey !== undefined) context.idempotencyKey = idempotencyKey;
    return { agent, context };
  };

  /**
   * DESIGN "Which service?": the id index (and the backends that know their own ids), else `inbound.wwe.service`.
   * An interaction outside the agent's scope is not found, exactly as one that does not exist.
   */
  const serviceOf = async (id: string, agent: Agent): Promise<string> => {
    const located = await deps.index.locate(id);
    const service = located?.service ?? (config.service === '*' ? undefined : config.service);
    if (service === undefined || !agent.sees(service)) {
      throw new GatewayError('not_found', `Interaction ${id} was not found`, { subject: 'interaction', ref: id });
    }
    return service;
  };

  /** A Workspace request body is JSON; an empty one names no operation (statusCode 1). */
  const jsonBody = (req: InboundRequest): unknown => {
    if (req.body.length === 0) return undefined;
    if (!isJsonContentType(req.headers['content-type'])) throw invalid('Content-Type must be application/json', 'Content-Type');
    assertJsonCharset(req.headers['content-type']);
    return parseJson(req.body, deps.limits.maxFields);
  };

  /**
   * Live interactions across every service pattern of the agent's scope, once each, at most WWE_LIST_LIMIT. Each
   * scope entry is asked for one more than that: an answer that comes back full may hold more than was shown.
   */
  const listVisible = async (req: InboundRequest, agent: Agent, context: CommandContext, filter: { agentId?: string; workbin?: string }): Promise<Listed> => {
    const seen = new Set<string>();
    const out: Interaction[] = [];
    const limit = WWE_LIST_LIMIT + 1;
    let truncated = false;
    for (const service of agent.scope) {
      let listed: Interaction[];
      try {
        ({ result: listed } = await deps.execute({ kind: 'list', service, context, ...filter, limit }, req));
      } catch (err) {
        // A scope entry whose backend cannot list has nothing to show; any other failure fails the request.
        if (err instanceof GatewayError && err.code === 'unsupported') continue;
        throw err;
      }
      for (const interaction of listed) {
        if (seen.has(interaction.id) || !agent.sees(interaction.service)) continue;
        if (out.length === WWE_LIST_LIMIT) return { interactions: out, truncated: true };
        seen.add(interaction.id);
        out.push(interaction);
      }
      if (listed.length >= limit) truncated = true;
    }
    return { interactions: out, truncated };
  };

  /** `?fields=*` → the interactions themselves; otherwise their URIs (spec, /me/interactions). */
  const renderList = (req: InboundRequest, { interactions, truncated }: Listed): OutboundResponse =>
    ok({
      ...(new URLSearchParams(req.query).get('fields') === '*'
        ? { interactions: interactions.map(renderInteraction) }
        : { uris: interactions.map((i) => interactionUri(req, i.id)) }),
      ...(truncated && { truncated }),
    });

  const operate = async (req: InboundRequest): Promise<OutboundResponse> => {
    const { agent, context } = begin(req, 'agent');
    const operation = parseOperation(jsonBody(req));
    if (operation.kind === 'workbinContent') {
      // The caller's own workbin of that name, across every service the agent may see; the path's id plays no part.
      req.facts.command = 'list';
      const { interactions, truncated } = await listVisible(req, agent, context, { workbin: operation.workbin, agentId: agent.id });
      return ok({ referenceId: ++referenceId, interactions: interactions.map(renderInteraction), ...(truncated && { truncated }) });
    }
    const id = req.params.id!;
    const service = await serviceOf(id, agent);
    const ref = { by: 'id' as const, value: id };
    if (operation.kind === 'agent') {
      const { operation: op } = operation;
      if (op.op === 'transfer' && !isAgent(op.targetAgentId, service)) {
        throw new GatewayError('not_found', 'The user the transfer names was not found', { ref: op.targetAgentId });
      }
      await deps.execute({ kind: 'agent', service, context, ref, agentId: agent.id, operation: operation.operation }, req);
    } else {
      await deps.execute({ kind: 'update', service, context, ref, changes: [operation.change], asAgent: agent.id }, req);
    }
    return ok({ referenceId: ++referenceId });
  };

  return {
    dialect: WWE_DIALECT,
    basePath: WWE_BASE_PATH,
    endpoints: [
      { method: 'POST', path: '/me/interactions/:id', handle: operate },
      {
        method: 'GET',
        path: '/me/interactions',
        async handle(req) {
          const { agent, context } = begin(req, 'list');
          return renderList(req, await listVisible(req, agent, context, { agentId: agent.id }));
        },
      },
      {
        method: 'GET',
        path: '/interactions',
        async handle(req) {
          const { agent, context } = begin(req, 'list');
          return renderList(req, await listVisible(req, agent, context, {}));
        },
      },
      {
        method: 'GET',
        path: '/interactions/:id',
        async handle(req) {
          const { agent, context } = begin(req, 'get');
          const id = req.params.id!;
          const service = await serviceOf(id, agent);
          const { result } = await deps.execute({ kind: 'get', service, context, ref: { by: 'id', value: id } }, req);
          return ok({ interaction: renderInteraction(result) });
        },
      },
    ],
    renderError: (err) => renderWweError(err),
  };
}

/** Workspace Web Services API v2 interactions (DESIGN §4 wwe; specs/wwe-interactions-v2.txt). */
export const wweInbound: InboundDefinition<WweInboundConfig> = { name: WWE_DIALECT, create: createRouter };
