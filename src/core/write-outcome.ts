import type { Command, StopCommand, UpdateCommand, UserDataChange } from './command';
import type { Route } from './dispatcher';
import { GatewayError, toGatewayError, withDetails } from './errors';
import { stableJson } from './fingerprint';
import type { Interaction } from './interaction';
import type { Logger } from './logger';
import type { Next, Outcome } from './pipeline';
import { userDataToObject, type UserDataEntry } from './user-data';

/**
 * Updates and stops whose outcome is unknown (DESIGN §7): the upstream may have applied one whose answer was lost
 * (a reset or a timeout after it was sent), or a repeat of it — the upstream client's own, or the caller's retry
 * under the same Idempotency-Key (context.priorOutcomeUnknown) — was refused because the first had applied
 * ("already stopped", "not found"). The interaction is read back once:
 * - a stop whose interaction reads `stopped` is done;
 * - an update whose every change reads as asked (each set key holds its last value, each deleted key is gone) is
 *   done; one that does not, after an unknown outcome, is sent once more (see sentAgain). An update that keeps
 *   duplicate entries (Workspace AttachUserData) cannot be told from one applied twice, so it is never judged or
 *   repeated this way.
 * Otherwise the failure stands; when it left the outcome unknown it says so (details.applied `unknown`, and its
 * message), for each dialect to render.
 */
export async function writeResolvingOutcome(command: StopCommand | UpdateCommand, route: Route, next: Next, logger: Logger): Promise<Outcome> {
  try {
    return await next(withResolveReserve(command), route);
  } catch (err) {
    const error = toGatewayError(err);
    if (!mayHaveApplied(error, command)) throw error;
    const interaction = await readBack(command, route, next);
    if (interaction !== undefined && (command.kind === 'stop' ? interaction.state === 'stopped' : changesVisible(command.changes, interaction))) {
      logger.info(`An unknown ${command.kind} outcome was resolved by reading the interaction back`, { requestId: command.context.requestId, code: error.code });
      return { result: undefined, backend: interaction.backend };
    }
    // One that failed part way (details.partial: some calls answered, then one failed) is the caller's to resend.
    const inDoubt = error.retryable && error.details.partial === undefined;
    if (interaction !== undefined && command.kind === 'update' && inDoubt && (await sentAgain(command, route, next))) {
      logger.info('An update left in doubt was sent again once the interaction could be read', { requestId: command.context.requestId, code: error.code });
      return { result: undefined, backend: interaction.backend };
    }
    // An error naming what was applied in part (details.partial) says enough already.
    throw error.details.applied === 'unknown' && error.details.partial === undefined ? outcomeUnknown(error, command.kind) : error;
  }
}

/**
 * Part of a write's deadline kept back to resolve an unknown outcome: an upstream that hangs on every attempt
 * must still leave time for the read that finds what it applied.
 */
const RESOLVE_SHARE = 0.25;

export function withResolveReserve<C extends Command>(command: C): C {
  const { deadline } = command.context;
  if (deadline === undefined) return command;
  const now = Date.now();
  return { ...command, context: { ...command.context, deadline: now + Math.max(0, (deadline - now) * (1 - RESOLVE_SHARE)) } };
}

/** Failures that may hide an applied write: an unknown outcome, or a refusal that may be the echo of an earlier try. */
function mayHaveApplied(error: GatewayError, command: StopCommand | UpdateCommand): boolean {
  if (command.kind === 'update' && command.changes.some((c) => c.op === 'add' && c.keepDuplicates === true)) return false;
  const echo = error.code === 'conflict' || error.code === 'not_found';
  if (error.details.applied === 'unknown') return error.retryable || echo;
  return command.context.priorOutcomeUnknown === true && echo && error.details.subject !== 'service';
}

/**
 * An update that only sets and deletes keys, read back not (or part) done, while the upstream answers again: sent
 * once more, which leaves the same user data however much of the first was applied (a backend writing one key per
 * call — Oracle, Workspace — sends nothing after the call whose answer was lost).
 */
async function sentAgain(command: UpdateCommand, route: Route, next: Next): Promise<boolean> {
  try {
    await next(command, route);
    return true;
  } catch {
    return false;
  }
}

/** The interaction as the backend holds it now; undefined when it cannot be read. */
async function readBack(command: Command & { ref: StopCommand['ref'] }, route: Route, next: Next): Promise<(Interaction & { backend: string }) | undefined> {
  const { idempotencyKey: _key, priorOutcomeUnknown: _prior, ...context } = command.context;
  try {
    const { result, backend } = await next({ kind: 'get', service: command.service, context, ref: command.ref }, route);
    return { ...(result as Interaction), backend };
  } catch {
    return undefined;
  }
}

/** Whether the interaction holds what the changes ask for, each key by the last change naming it. */
export function changesVisible(changes: UserDataChange[], interaction: Interaction): boolean {
  const wanted = new Map<string, UserDataEntry | undefined>();
  for (const change of changes) {
    if (change.op === 'delete') for (const key of change.keys) wanted.set(key, undefined);
    else for (const entry of change.entries) wanted.set(entry.key, entry);
  }
  const held = new Map<string, UserDataEntry>();
  for (const entry of interaction.userData) held.set(entry.key, entry);
  for (const [key, entry] of wanted) {
    const now = held.get(key);
    if (entry === undefined ? now !== undefined : now === undefined || textOf(now) !== textOf(entry)) return false;
  }
  return true;
}

/** A value as text, so a backend that keeps every value as a string (Oracle DataValue) still compares equal. */
function textOf(entry: UserDataEntry): string {
  if (entry.type === 'kvlist') return stableJson(userDataToObject(entry.value));
  if (entry.type === 'int') return String(entry.value);
  if (!entry.value.startsWith('{')) return entry.value;
  try {
    return stableJson(JSON.parse(entry.value));
  } catch {
    return entry.value;
  }
}

function outcomeUnknown(error: GatewayError, kind: 'stop' | 'update'): GatewayError {
  const message = `${error.message}; the ${kind} may have been applied: read the interaction to know`;
  return withDetails(new GatewayError(error.code, message, error.details, error.cause === undefined ? undefined : { cause: error.cause }), { applied: 'unknown' });
}
