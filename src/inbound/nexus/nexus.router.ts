import { randomBytes } from 'node:crypto';
import type { CommandContext, CommandKind } from '../../core/command';
import { invalid } from '../../core/errors';
import { assertJsonCharset } from '../../http/charset';
import { authenticated } from '../../http/credentials';
import { idempotencyKeyOf } from '../../http/idempotency-key';
import { isJsonContentType, parseJson, writeJsonText } from '../../http/json';
import type { Endpoint, HttpMethod, InboundDefinition, InboundRequest, OutboundResponse } from '../../http/wire';
import { API_KEY_HEADER, createApiKeyCheck } from './nexus.auth';
import type { NexusInboundConfig } from './nexus.config';
import {
  renderCreated,
  renderError,
  renderInteraction,
  renderOk,
  toCreateCommand,
  toGetCommand,
  toStopCommand,
  toUpdateCommand,
} from './nexus.mapper';

export const NEXUS_DIALECT = 'nexus';
export const NEXUS_BASE_PATH = '/nexus/v3/openmedia';

const TRACE_HEADER = 'x-b3-traceid';
const JSON_UTF8 = 'application/json; charset=utf-8';
/** B3 propagation: a trace id is 16 or 32 hex characters; anything else is replaced, not passed on. */
const B3_TRACE_ID = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/i;

/** The caller's X-B3-TraceId, or a new one, set on the answer (errors too) before anything can fail. */
function traceIdOf(req: InboundRequest): string {
  const existing = req.responseHeaders[TRACE_HEADER];
  if (existing) return existing;
  const header = req.headers[TRACE_HEADER];
  const traceId = typeof header === 'string' && B3_TRACE_ID.test(header) ? header : randomBytes(8).toString('hex');
  req.responseHeaders[TRACE_HEADER] = traceId;
  return traceId;
}

export const nexusInbound: InboundDefinition<NexusInboundConfig> = {
  name: NEXUS_DIALECT,
  create(deps, config) {
    // An open config (no apiKeys) is reported by the app's start-up warnings.
    const checkApiKey = createApiKeyCheck(config.apiKeys);

    /** Trace id, facts and the x-api-key check, in that order, common to every endpoint. */
    const begin = (req: InboundRequest, kind: CommandKind): { service: string; context: CommandContext } => {
      const traceId = traceIdOf(req);
      const service = req.params.service!;
      req.facts.command = kind;
      req.facts.service = service;
      const checked = checkApiKey(req.headers[API_KEY_HEADER], service);
      const client = typeof checked === 'string' ? (req.facts.client = checked) : authenticated(req, checked);
      const context: CommandContext = {
        requestId: req.requestId,
        dialect: NEXUS_DIALECT,
        client,
        traceId,
        idempotencyKey: idempotencyKeyOf(req),
        receivedAt: req.receivedAt,
        deadline: req.deadline,
      };
      return { service, context };
    };

    /** A non-empty body must be JSON; an empty one is `{}` (an update then fails for having no change). */
    const jsonBody = (req: InboundRequest): unknown => {
      if (req.body.length === 0) return {};
      if (!isJsonContentType(req.headers['content-type'])) throw invalid('Content-Type must be application/json');
      assertJsonCharset(req.headers['content-type']);
      return parseJson(req.body, deps.limits.maxFields);
    };

    const endpoint = (method: HttpMethod, path: string, handle: Endpoint['handle']): Endpoint => ({ method, path, handle });
    const ok = (body: unknown): OutboundResponse => ({ status: 200, body });
    /** User data keeps its order on the wire, integer-like keys included (core/key-order). */
    const okOrdered = (body: unknown): OutboundResponse => ({ status: 200, body: writeJsonText(body), contentType: JSON_UTF8 });

    return {
      dialect: NEXUS_DIALECT,
      basePath: NEXUS_BASE_PATH,
      endpoints: [
        endpoint('POST', '/:service/interactions', async (req) => {
          const { service, context } = begin(req, 'create');
          const { result } = await deps.execute(toCreateCommand(jsonBody(req), service, context), req);
          // Accepted but queued for delivery (outbox): 202 with the id the gateway reserved (RFC 9110 §15.3.3).
          return { status: result.pending ? 202 : 200, body: renderCreated(result) };
        }),
        endpoint('GET', '/:service/interactions/:id', async (req) => {
          const { service, context } = begin(req, 'get');
          const { result } = await deps.execute(toGetCommand(service, req.params.id!, context), req);
          return okOrdered(renderInteraction(result));
        }),
        endpoint('POST', '/:service/interactions/:id/update', async (req) => {
          const { service, context } = begin(req, 'update');
          await deps.execute(toUpdateCommand(jsonBody(req), service, req.params.id!, context), req);
          return ok(renderOk());
        }),
        endpoint('POST', '/:service/interactions/:id/stop', async (req) => {
          const { service, context } = begin(req, 'stop');
          await deps.execute(toStopCommand(jsonBody(req), service, req.params.id!, context), req);
          return ok(renderOk());
        }),
      ],
      renderError(err, req) {
        // Errors raised before a handler ran (bad path segment, 405, oversized body) still carry the trace id.
        traceIdOf(req);
        return renderError(err);
      },
    };
  },
};
