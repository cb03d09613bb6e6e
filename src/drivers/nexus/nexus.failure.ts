import { GatewayError } from '../../core/errors';
import type { NexusCommand } from './nexus.mapper';

/**
 * An upstream status (HTTP, or the envelope's code) → GatewayError for the command that met it; the status is
 * kept in details, the upstream's message never reaches the error (the driver logs it). 400 is the upstream
 * refusing what the gateway sent and 401/403 the gateway's own credential: neither is the client's to fix, so
 * both are upstream_rejected. A 404 on create means the upstream knows no such service.
 */
export function errorFromStatus(status: number, command: NexusCommand, retryAfterSeconds?: number): GatewayError {
  const upstream = { upstreamStatus: status };
  if (status === 404) {
    if (command.kind === 'create') {
      return new GatewayError('not_found', `Service ${command.service} was not found upstream`, { ...upstream, subject: 'service', ref: command.service });
    }
    const { ref } = command;
    const what = ref.by === 'id' ? `Interaction ${ref.value}` : `Interaction with externalId ${ref.value}`;
    return new GatewayError('not_found', `${what} was not found`, { ...upstream, subject: 'interaction', ref: ref.value });
  }
  if (status === 409) {
    if (command.kind === 'create') {
      const ref = command.externalId === undefined ? {} : { subject: 'interaction' as const, ref: command.externalId };
      return new GatewayError('already_exists', 'An interaction with this externalId already exists', { ...upstream, ...ref });
    }
    return new GatewayError('conflict', `Interaction ${command.ref.value} cannot be changed in its current state`, {
      ...upstream,
      subject: 'interaction',
      ref: command.ref.value,
    });
  }
  if (status === 429) {
    const retry = retryAfterSeconds === undefined ? {} : { retryAfterSeconds };
    return new GatewayError('rate_limited', 'Upstream is rate limiting the gateway', { ...upstream, ...retry });
  }
  if (status === 401 || status === 403) return new GatewayError('upstream_rejected', 'Upstream refused the gateway credentials', upstream);
  if (status >= 500) return new GatewayError('upstream_unavailable', 'Upstream is unavailable', upstream);
  return new GatewayError('upstream_rejected', 'Upstream rejected the request', upstream);
}
