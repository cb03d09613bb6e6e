import type { CreateCommand } from './command';
import type { Route } from './dispatcher';
import { GatewayError, toGatewayError } from './errors';
import type { Created, Interaction } from './interaction';
import type { Logger } from './logger';
import type { Next, Outcome, Stage } from './pipeline';
import { withResolveReserve, writeResolvingOutcome } from './write-outcome';

/**
 * Writes whose outcome a plain call would get wrong are resolved (DESIGN §7). Updates and stops: see
 * write-outcome.ts. Creates that carry an externalId:
 * - the upstream may have applied it but the answer was lost (reset, timeout, 500): a get by externalId finds the
 *   interaction, which is the answer; none found leaves the original failure;
 * - the upstream says "already exists" for an externalId this create (or an earlier try of it whose outcome is
 *   unknown, context.priorOutcomeUnknown) sent: that interaction is the answer, not a duplicate.
 */
export function resolveStage(logger: Logger): Stage {
  return {
    name: 'resolve',
    // A backend that cannot read (VSP creates only) cannot be asked what it applied.
    applies: (command, route) =>
      route.driver.get !== undefined && (command.kind === 'stop' || command.kind === 'update' || (command.kind === 'create' && command.externalId !== undefined)),
    run(command, route, next) {
      if (command.kind === 'stop' || command.kind === 'update') return writeResolvingOutcome(command, route, next, logger);
      return command.kind === 'create' ? createResolvingOutcome(command, route, next, logger) : next(command, route);
    },
  };
}

/** Not async: a create answered at once (the usual case) pays no frame and await of its own here. */
function createResolvingOutcome(command: CreateCommand, route: Route, next: Next, logger: Logger): Promise<Outcome> {
  let sent: Promise<Outcome>;
  try {
    sent = next(withResolveReserve(command), route);
  } catch (err) {
    return resolveFailedCreate(err, command, route, next, logger);
  }
  return sent.catch((err: unknown) => resolveFailedCreate(err, command, route, next, logger));
}

/** A create's failure, resolved by externalId where the create may have been applied (see resolveStage). */
async function resolveFailedCreate(err: unknown, command: CreateCommand, route: Route, next: Next, logger: Logger): Promise<Outcome> {
  const error = toGatewayError(err);
  if (!worthResolving(error, command.context.priorOutcomeUnknown === true)) throw error;
  const found = await findByExternalId(command, route, next, logger);
  if (found instanceof GatewayError) {
    // "Already exists" that could not be checked is not a final refusal: the interaction may well be this
    // create's own. Answered as a retryable unknown outcome, so a caller retries and an outbox item stays queued.
    if (error.code === 'already_exists' && found.retryable) throw new GatewayError(found.code, found.message, { ...found.details, applied: 'unknown' });
    throw error;
  }
  if (found === undefined) throw error;
  logger.info('An unknown create outcome was resolved by externalId', { requestId: command.context.requestId, code: error.code, backend: found.backend });
  return found;
}

function worthResolving(error: GatewayError, resumed: boolean): boolean {
  const mayHaveApplied = error.details.applied === 'unknown';
  return error.code === 'already_exists' ? mayHaveApplied || resumed : error.retryable && mayHaveApplied;
}

/**
 * The live interaction with the create's externalId, as a create's answer; undefined when there is none; the
 * lookup's own error when it could not be made.
 */
async function findByExternalId(command: CreateCommand, route: Route, next: Next, logger: Logger): Promise<Outcome | GatewayError | undefined> {
  const { idempotencyKey: _key, priorOutcomeUnknown: _prior, ...context } = command.context;
  try {
    const { result, backend } = await next({ kind: 'get', service: command.service, context, ref: { by: 'externalId', value: command.externalId! } }, route);
    const interaction = result as Interaction;
    if (interaction.state === 'stopped') return undefined;
    const created: Created = { id: interaction.id, externalId: command.externalId! };
    return { result: created, backend };
  } catch (err) {
    const error = toGatewayError(err);
    if (error.code === 'not_found') return undefined;
    logger.warn('Could not resolve an unknown create outcome', { requestId: command.context.requestId, code: error.code });
    return error;
  }
}
