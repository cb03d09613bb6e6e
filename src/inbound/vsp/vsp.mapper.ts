import type { CommandContext, CreateCommand } from '../../core/command';
import type { GatewayError } from '../../core/errors';
import type { UserData } from '../../core/user-data';
import { httpStatusOf, retryAfterHeaders } from '../../http/invalid-status';
import type { OutboundResponse } from '../../http/wire';
import { writeXmlDataContract, xmlElement, xmlSafe } from '../../http/xml-write';
import type { Answer } from './vsp.format';
import type { CreateVspInteraction } from './vsp.schema';

/** The DataContract namespace of VSP's models (spec: XML samples). */
export const VSP_NAMESPACE = 'http://schemas.datacontract.org/2004/07/SeeTheProWebAPI.Models';

/** VspInteraction (spec: Response Information). */
export interface VspInteraction {
  InteractionId: string;
  CampaignKey: string;
  InteractionUrl: string;
}

/**
 * DESIGN §4 vsp: InteractionIdentity is the externalId; InteractionName and the GUIDs become user data under their
 * own names (the GUIDs in canonical lower-case D form). The key is the credential, never data.
 */
export function toCreateCommand(request: CreateVspInteraction, service: string, context: CommandContext): CreateCommand {
  const userData: UserData = [{ key: 'InteractionName', type: 'str', value: request.InteractionName }];
  for (const key of ['AccountId', 'ContactId', 'TenantKey', 'GroupKey'] as const) {
    const value = request[key];
    if (value !== undefined) userData.push({ key, type: 'str', value });
  }
  return { kind: 'create', service, context, externalId: request.InteractionIdentity, userData, extra: {} };
}

/**
 * The Workspace `GET /api/v2/interactions/{id}` URL of an interaction (DESIGN §4 vsp), below the gateway's base
 * URL; the id is one path segment.
 */
export const interactionUrl = (baseUrl: string, id: string): string => `${baseUrl}/api/v2/interactions/${encodeURIComponent(id)}`;

/** JSON members in the spec's order; XML as DataContract writes it (alphabetical). */
export function renderVspInteraction(interaction: VspInteraction, answer: Answer): OutboundResponse {
  const { InteractionId, CampaignKey, InteractionUrl } = interaction;
  const body =
    answer.format === 'xml'
      ? writeXmlDataContract('VspInteraction', VSP_NAMESPACE, { InteractionId, CampaignKey, InteractionUrl })
      : JSON.stringify({ InteractionId, CampaignKey, InteractionUrl });
  return { status: 200, body, contentType: answer.contentType };
}

/**
 * The status and the message a VSP client is shown. Invalid requests take their status from details.reason (413,
 * 405, 415); new kinds of refusal (idempotency…) that carry a reason map here. An internal error says what ASP.NET
 * says and nothing more.
 */
function statusAndMessage(err: GatewayError): { status: number; message: string } {
  if (err.code === 'internal') return { status: 500, message: 'An error has occurred.' };
  if (err.code === 'already_exists') return { status: 409, message: 'The InteractionIdentity is already in use.' };
  if (err.details.reason === 'method_not_allowed') {
    return { status: 405, message: 'The requested resource does not support this http method; use POST.' };
  }
  return { status: httpStatusOf(err), message: err.message };
}

/** ASP.NET Web API's HttpError: `{"Message":"…"}`, or `<Error><Message>…</Message></Error>` in XML. */
export function renderError(err: GatewayError, answer: Answer): OutboundResponse {
  const { status, message } = statusAndMessage(err);
  const body = answer.format === 'xml' ? `<Error>${xmlElement('Message', xmlSafe(message))}</Error>` : JSON.stringify({ Message: message });
  const response: OutboundResponse = { status, body, contentType: answer.contentType };
  const headers = retryAfterHeaders(err, status);
  if (headers) response.headers = headers;
  return response;
}
