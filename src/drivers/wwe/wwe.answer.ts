import type { InteractionRef } from '../../core/command';
import { GatewayError, type ErrorDetails } from '../../core/errors';
import type { Interaction, InteractionState } from '../../core/interaction';
import { userDataFromObject, type UserData } from '../../core/user-data';

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const rejected = (message: string, details: ErrorDetails): GatewayError => new GatewayError('upstream_rejected', message, details);

/**
 * Checks a Workspace answer and throws its failure; returns the body of a success. Workspace reports failures in
 * HTTP 200 as `{"statusCode":n,"statusMessage":…}` (GWS "Return Values"); the older pages of the spec show
 * `{"status":"ok"}`, `{"status":0}` and `{"status":"error",…}`, and an empty 200 is a plain acknowledgement, so
 * those are read too. `body` is the parsed JSON, undefined when the answer was empty.
 */
export function checkWweAnswer(status: number, body: unknown, ref?: InteractionRef): JsonObject {
  // The gateway's own agent credential was refused: nothing the caller can fix, never passed on as 401.
  if (status === 401 || status === 403) throw rejected(`Workspace refused the gateway's agent credentials (HTTP ${status})`, { upstreamStatus: status });
  if (body === undefined && status >= 200 && status < 300) return {};
  if (!isObject(body)) throw rejected(`Workspace answered HTTP ${status} without a Workspace status`, { upstreamStatus: status });
  const code = typeof body.statusCode === 'number' ? body.statusCode : legacyCode(body.status);
  if (code === undefined) throw rejected(`Workspace answered HTTP ${status} without a Workspace status`, { upstreamStatus: status });
  if (code === 0 && status >= 200 && status < 300) return body;
  throw failureOf(code, status, ref);
}

/** `"ok"` and `0` are success; `"error"` a failure without a return value. */
function legacyCode(value: unknown): number | undefined {
  if (value === 'ok' || value === 0) return 0;
  if (value === 'error') return -1;
  return undefined;
}

/**
 * Workspace return values → canonical errors. Its 1 is "a required parameter is missing", not GMS's "try again":
 * the driver sends every parameter an operation needs, so a 1 is the two sides disagreeing (upstream_rejected).
 * 10 judges a value, which came from the caller. 4 is Workspace or a server behind it failing: worth a retry where
 * repeating is safe, and counted by the breaker. 3 ("the operation is forbidden") is what a Workspace answers for
 * an operation it does not do there, as the gateway's own Workspace dialect does: unsupported, so a GMS or Nexus
 * caller gets its own "unsupported" (251, 501). 5 is the gateway's agent lacking a permission: refused.
 */
export function failureOf(code: number, status: number, ref: InteractionRef | undefined): GatewayError {
  const details: ErrorDetails = { upstreamStatus: status, upstreamCode: code };
  const subject: ErrorDetails = ref === undefined ? {} : { subject: 'interaction', ref: ref.value };
  const named = ref === undefined ? 'The interaction' : `Interaction ${ref.value}`;
  switch (code) {
    case 2:
    case 19:
      return new GatewayError('conflict', `${named} is not in a state that allows this operation`, { ...details, ...subject });
    case 3:
      return new GatewayError('unsupported', 'Workspace does not allow this operation', details);
    case 4:
      return new GatewayError('upstream_unavailable', 'Workspace reported an internal error, try again', details);
    case 6:
      return new GatewayError('not_found', `${named} was not found`, { ...details, ...subject });
    case 10:
      return new GatewayError('invalid_request', 'Workspace refused a value of the request', details);
    case 18:
      return new GatewayError('already_exists', `${named} already exists`, { ...details, ...subject });
    default:
      // 1 (parameter missing), 5 (forbidden to the gateway's agent), 20 (not authenticated), and any other.
      return rejected('Workspace rejected the request', details);
  }
}

/** Workspace state names (canonical ones, and the Interaction Server names a real Workspace shows) → canonical. */
const STATES = new Map<string, InteractionState>([
  ['queued', 'queued'],
  ['invited', 'queued'],
  ['handling', 'handling'],
  ['processing', 'handling'],
  ['accepted', 'handling'],
  ['inworkbin', 'inWorkbin'],
  ['workbin', 'inWorkbin'],
  ['stopped', 'stopped'],
  ['completed', 'stopped'],
]);

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * A Workspace interaction object → canonical. Workspace has no services: the interaction belongs to the service the
 * command named. It shows one arrival time, so it stands for submittedAt too; `ownerId` is the canonical agentId.
 */
export function toInteraction(value: unknown, service: string, status: number): Interaction {
  if (!isObject(value) || typeof value.id !== 'string' || value.id === '') throw rejected('Workspace answered an interaction without an id', { upstreamStatus: status });
  const receivedAt = text(value.receivedAt);
  const at = receivedAt === undefined ? Number.NaN : Date.parse(receivedAt);
  if (Number.isNaN(at)) throw rejected('Workspace answered an interaction without receivedAt', { upstreamStatus: status });
  const iso = new Date(at).toISOString();
  const interaction: Interaction = {
    id: value.id,
    service,
    type: text(value.type) ?? '',
    subtype: text(value.subtype) ?? '',
    mediaType: text(value.mediaType) ?? '',
    state: STATES.get(String(value.state).toLowerCase()) ?? 'queued',
    receivedAt: iso,
    submittedAt: iso,
    userData: upstreamUserData(value.userData, status),
  };
  const optional = { externalId: text(value.externalId), queue: text(value.queue), workbin: text(value.workbin), agentId: text(value.ownerId) };
  for (const [key, v] of Object.entries(optional)) if (v !== undefined) interaction[key as keyof typeof optional] = v;
  return interaction;
}

/** `{"statusCode":0,"interactions":[…]}` → canonical interactions, all of the service the command named. */
export function toInteractions(body: JsonObject, service: string, status: number): Interaction[] {
  if (!Array.isArray(body.interactions)) throw rejected('Workspace answered a list without interactions', { upstreamStatus: status });
  return body.interactions.map((i) => toInteraction(i, service, status));
}

function upstreamUserData(value: unknown, status: number): UserData {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) throw rejected('Workspace answered user data that is not an object', { upstreamStatus: status });
  try {
    return userDataFromObject(value);
  } catch (err) {
    throw new GatewayError('upstream_rejected', 'Workspace answered user data the gateway cannot represent', { upstreamStatus: status }, { cause: err });
  }
}

/** The upstream's own statusMessage, for the log only: it may describe internals. */
export function wweMessage(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const message = body.statusMessage ?? body.errorDescription;
  return typeof message === 'string' ? message.slice(0, 200) : undefined;
}
