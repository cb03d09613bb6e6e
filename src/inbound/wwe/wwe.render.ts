import type { GatewayError } from '../../core/errors';
import type { Interaction } from '../../core/interaction';
import { userDataToObject } from '../../core/user-data';
import { basicChallenge } from '../../http/basic-auth';
import type { OutboundResponse } from '../../http/wire';

export const WWE_REALM = 'Workspace';

/** An interaction as Workspace shows it (DESIGN §4 wwe); absent fields are left out. */
export interface WweInteraction {
  id: string;
  externalId?: string;
  mediaType: string;
  type: string;
  subtype: string;
  state: string;
  queue?: string;
  workbin?: string;
  ownerId?: string;
  receivedAt: string;
  /** An object: with duplicate keys (AttachUserData) the last entry is shown. */
  userData: Record<string, unknown>;
}

export function renderInteraction(i: Interaction): WweInteraction {
  // In the order DESIGN §4 lists the fields; undefined ones are dropped by JSON.stringify.
  return {
    id: i.id,
    externalId: i.externalId,
    mediaType: i.mediaType,
    type: i.type,
    subtype: i.subtype,
    state: i.state,
    queue: i.queue,
    workbin: i.workbin,
    ownerId: i.agentId,
    receivedAt: i.receivedAt,
    userData: userDataToObject(i.userData),
  };
}

/**
 * Workspace return values (GWS API Basics, "Return Values"; DESIGN §4 wwe): every answer carries statusCode, a
 * failure also statusMessage, in HTTP 200, except "not authenticated" (20), which is HTTP 401.
 */
export const WWE_STATUS = {
  ok: 0,
  missingParameter: 1,
  invalidForState: 2,
  forbidden: 3,
  internalError: 4,
  notFound: 6,
  inputValidation: 10,
  alreadyExists: 18,
  notAuthenticated: 20,
} as const;

const failure = (statusCode: number, statusMessage: string, status = 200, headers?: Record<string, string>): OutboundResponse => ({
  status,
  body: { statusCode, statusMessage },
  ...(headers && { headers }),
});

/**
 * GatewayError → Workspace failure. A caller never learns that an interaction exists outside its scope: forbidden
 * is "not found" (6) too. Idempotency outcomes: a key reused with another payload is an input validation error
 * (10); a retry while the first is still running is 4, Workspace's nearest to "try again". An operation the
 * routed backend does not do is 3, "the operation is forbidden" (GWS "Return Values"): Workspace has no "not
 * implemented", and 2 ("not valid for the current state") would tell the caller to wait for a state that never comes.
 */
export function renderWweError(err: GatewayError): OutboundResponse {
  switch (err.code) {
    case 'unauthorized':
      return failure(WWE_STATUS.notAuthenticated, err.message, 401, { 'WWW-Authenticate': basicChallenge(WWE_REALM) });
    case 'invalid_request':
      switch (err.details.reason) {
        case 'missing':
          return failure(WWE_STATUS.missingParameter, err.message);
        case 'too_large':
          return failure(WWE_STATUS.inputValidation, err.message, 413);
        case 'method_not_allowed':
          return failure(WWE_STATUS.inputValidation, err.message, 405);
        case 'unsupported_media_type':
          return failure(WWE_STATUS.inputValidation, err.message, 415);
        default:
          return failure(WWE_STATUS.inputValidation, err.message);
      }
    case 'not_found':
      // No interaction or service in play: the path itself names nothing.
      if (err.details.ref === undefined && err.details.subject !== 'service') return failure(WWE_STATUS.notFound, err.message, 404);
      return failure(WWE_STATUS.notFound, err.message);
    case 'forbidden':
      return failure(WWE_STATUS.notFound, 'The requested resource could not be found');
    case 'conflict':
      if (err.details.reason === 'in_progress') return failure(WWE_STATUS.internalError, err.message);
      return failure(WWE_STATUS.invalidForState, err.message);
    case 'unsupported':
      return failure(WWE_STATUS.forbidden, err.message);
    case 'already_exists':
      return failure(WWE_STATUS.alreadyExists, err.message);
    case 'internal':
      return failure(WWE_STATUS.internalError, 'Internal error');
    default:
      // rate_limited and the upstream failures: Workspace has no "try again" value; 4 is what it answers when one
      // of the servers behind it fails.
      return failure(WWE_STATUS.internalError, err.message);
  }
}
