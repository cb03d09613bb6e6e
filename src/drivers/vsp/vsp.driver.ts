import { randomUUID } from 'node:crypto';
import type { CreateCommand } from '../../core/command';
import type { DriverDefinition } from '../../core/driver';
import { GatewayError } from '../../core/errors';
import type { Created } from '../../core/interaction';
import { deadlineOf, HttpDriver, withUpstreamMessage } from '../http/http-driver';
import type { HttpDriverDeps, UpstreamResponse } from '../http/upstream';
import { parseRetryAfter } from '../http/upstream.failure';
import { vspDriverConfigSchema, type VspDriverConfig } from './vsp.config';
import { CREATE_PATH, encodeCreate, readInteractionId, toCreateVspInteraction, upstreamMessage } from './vsp.mapper';

/**
 * A VSP refusal → GatewayError; the status is kept, VSP's own message never is (it is logged). 409 is the
 * InteractionIdentity in use. 400, 404 and 415 mean VSP refuses what the gateway built and 401/403 the gateway's own
 * key: none is the client's to fix, so all are upstream_rejected. 5xx never get here (the upstream client maps them).
 */
export function errorFromStatus(status: number, command: CreateCommand, retryAfterSeconds?: number): GatewayError {
  const upstream = { upstreamStatus: status };
  if (status === 409) {
    const ref = command.externalId === undefined ? {} : { subject: 'interaction' as const, ref: command.externalId };
    return new GatewayError('already_exists', 'An interaction with this externalId already exists', { ...upstream, ...ref });
  }
  if (status === 429) {
    return new GatewayError('rate_limited', 'Upstream is rate limiting the gateway', retryAfterSeconds === undefined ? upstream : { ...upstream, retryAfterSeconds });
  }
  if (status === 401 || status === 403) return new GatewayError('upstream_rejected', 'Upstream refused the gateway credentials', upstream);
  return new GatewayError('upstream_rejected', 'Upstream rejected the request', upstream);
}

/**
 * VSP interaction create (DESIGN §5 vsp; specs/vsp-interaction.txt). Create is all VSP's API does, so it is the
 * driver's only handler: every other command is answered `unsupported` by the core before any I/O. VSP has no read,
 * so the gateway's id index remembers what this backend created (app.ts), for dialects that address by id.
 */
class VspDriver extends HttpDriver<VspDriverConfig> {
  /**
   * Never repeated once it may have reached VSP: a repeat carries the same InteractionIdentity, so it cannot make a
   * second interaction, but VSP would answer it 409 and, having no read, the gateway could not learn the first
   * one's InteractionId. An unknown outcome is reported as such rather than as a duplicate.
   */
  async create(command: CreateCommand): Promise<Created> {
    const request = toCreateVspInteraction(command, this.config, randomUUID());
    const { body, contentType } = encodeCreate(request, this.config.format);
    const headers: Record<string, string> = {
      'content-type': contentType,
      accept: contentType.split(';', 1)[0]!,
      'x-request-id': command.context.requestId,
    };
    if (command.context.traceId !== undefined) headers['x-b3-traceid'] = command.context.traceId;
    const res = await this.client.request({
      method: 'POST',
      path: CREATE_PATH,
      headers,
      body,
      idempotent: false,
      ...deadlineOf(command.context),
    });
    if (res.status < 200 || res.status >= 300) throw this.refused(res, command);
    try {
      const id = readInteractionId(res, this.config.format, this.deps.backendName);
      return command.externalId === undefined ? { id } : { id, externalId: command.externalId };
    } catch (err) {
      throw err instanceof GatewayError ? this.withVspWords(err, res) : err;
    }
  }

  private refused(res: UpstreamResponse, command: CreateCommand): GatewayError {
    return this.withVspWords(errorFromStatus(res.status, command, parseRetryAfter(res.headers['retry-after'], this.deps.now().getTime())), res);
  }

  /**
   * VSP's own words ride on the error to the request's log line, never into the answer; the gateway's key is
   * blanked should VSP echo it, so it is not in the error at all, whoever reads its details.
   */
  private withVspWords(err: GatewayError, res: UpstreamResponse): GatewayError {
    return withUpstreamMessage(err, upstreamMessage(res)?.split(this.config.appAccessKey).join('[REDACTED]'));
  }
}

export const vspDriver: DriverDefinition<VspDriverConfig, HttpDriverDeps> = {
  name: 'vsp',
  configSchema: vspDriverConfigSchema,
  basePath: '/api',
  create: (deps, config) => new VspDriver(deps, config),
};
