import { randomUUID } from 'node:crypto';
import type { Stage } from './pipeline';

/** Recognisable in the upstream's records as the gateway's, not a client's. */
export const ASSIGNED_EXTERNAL_ID_PREFIX = 'omgw-';

/**
 * `backends.<n>.assignExternalId: true`: a create without an externalId gets one the gateway makes up, so that the
 * upstream can recognise a repeat and an unknown outcome (reset, timeout) can be resolved by a get by externalId,
 * instead of a create that can never be sent twice. The trade-off: the interaction carries an externalId the client
 * never chose (shown by gets; GMS shows it as user data `ExternalId`). The create's answer leaves it out, as the
 * client sent none.
 */
export function assignExternalIdStage(backends: ReadonlySet<string>): Stage {
  return {
    name: 'assignExternalId',
    applies: (command, route) => command.kind === 'create' && command.externalId === undefined && backends.has(route.backend),
    async run(command, route, next) {
      if (command.kind !== 'create') return next(command, route);
      const outcome = await next({ ...command, externalId: `${ASSIGNED_EXTERNAL_ID_PREFIX}${randomUUID()}` }, route);
      const { externalId: _assigned, ...created } = outcome.result as { id: string; externalId?: string };
      return { ...outcome, result: created };
    },
  };
}
