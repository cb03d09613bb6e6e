import type { CreateCommand } from '../../core/command';
import { GatewayError } from '../../core/errors';
import { canonicalGuid } from '../../core/guid';
import { isAddressable } from '../../core/ids';
import type { UserData } from '../../core/user-data';
import { readXmlDataContract } from '../../http/xml-read';
import { writeXmlDataContract } from '../../http/xml-write';
import type { UpstreamResponse } from '../http/upstream';
import type { VspDriverConfig } from './vsp.config';

/** VSP's models' DataContract namespace (specs/vsp-interaction.txt, XML samples). */
export const VSP_NAMESPACE = 'http://schemas.datacontract.org/2004/07/SeeTheProWebAPI.Models';
/** Below the baseUrl (`…/api`): `POST api/vspinteraction/create`. */
export const CREATE_PATH = '/vspinteraction/create';

/** CreateVspInteraction, members in the spec's order (JSON keeps it; XML sorts them as DataContract does). */
export interface CreateVspInteraction {
  AppAccessKey: string;
  InteractionIdentity: string;
  InteractionName: string;
  AccountId: string;
  ContactId: string;
  TenantKey?: string;
  GroupKey?: string;
}

/** The last string entry of a top-level user-data key, as an object rendering would show it. */
function lastString(userData: UserData, key: string): string | undefined {
  let found: string | undefined;
  for (const entry of userData) if (entry.key === key && entry.type === 'str') found = entry.value;
  return found;
}

const guidFrom = (userData: UserData, key: string): string | undefined => {
  const text = lastString(userData, key);
  return text === undefined ? undefined : canonicalGuid(text);
};

/**
 * A canonical create as VSP's CreateVspInteraction (DESIGN §5 vsp): InteractionIdentity is the externalId (or
 * `generatedIdentity`), InteractionName the user-data `InteractionName` (else the service name), and each GUID the
 * user data's when it holds a GUID under that name, else the backend's configured one. Nothing else of the command
 * has a place in VSP's create: other user data, type, subtype, media type, queue, parent, receivedAt and extra are
 * not sent.
 */
export function toCreateVspInteraction(command: CreateCommand, config: VspDriverConfig, generatedIdentity: string): CreateVspInteraction {
  const { userData } = command;
  const request: CreateVspInteraction = {
    AppAccessKey: config.appAccessKey,
    InteractionIdentity: command.externalId ?? generatedIdentity,
    InteractionName: lastString(userData, 'InteractionName') || command.service,
    AccountId: guidFrom(userData, 'AccountId') ?? config.accountId,
    ContactId: guidFrom(userData, 'ContactId') ?? config.contactId,
  };
  const tenantKey = guidFrom(userData, 'TenantKey') ?? config.tenantKey;
  if (tenantKey !== undefined) request.TenantKey = tenantKey;
  const groupKey = guidFrom(userData, 'GroupKey') ?? config.groupKey;
  if (groupKey !== undefined) request.GroupKey = groupKey;
  return request;
}

export interface EncodedBody {
  body: string;
  contentType: string;
}

/** The body as a .NET client of VSP would send it: compact JSON, or DataContract XML with absent GUIDs as i:nil. */
export function encodeCreate(request: CreateVspInteraction, format: VspDriverConfig['format']): EncodedBody {
  if (format === 'json') return { body: JSON.stringify(request), contentType: 'application/json; charset=utf-8' };
  const members: Record<string, string | undefined> = { TenantKey: undefined, GroupKey: undefined, ...request };
  return { body: writeXmlDataContract('CreateVspInteraction', VSP_NAMESPACE, members), contentType: 'application/xml; charset=utf-8' };
}

/** Limits for reading an upstream answer: a VspInteraction is three members deep at most. */
const ANSWER_LIMITS = { maxFields: 64, maxDepth: 4, maxText: 64 * 1024 };

/** The format of an answer: its own Content-Type when it names one, else the one asked for. */
function answerFormat(res: UpstreamResponse, asked: VspDriverConfig['format']): VspDriverConfig['format'] {
  const type = String(res.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('xml')) return 'xml';
  if (type.includes('json')) return 'json';
  return asked;
}

const unreadable = (backend: string, status: number, why: string): GatewayError =>
  new GatewayError('upstream_rejected', `Backend ${backend} answered a create unreadably: ${why}`, { upstreamStatus: status });

/** The InteractionId of a VspInteraction answer (spec: Response Information), JSON or XML. */
export function readInteractionId(res: UpstreamResponse, asked: VspDriverConfig['format'], backend: string): string {
  let id: unknown;
  if (answerFormat(res, asked) === 'xml') {
    let doc;
    try {
      doc = readXmlDataContract(Buffer.from(res.body, 'utf8'), ANSWER_LIMITS);
    } catch {
      throw unreadable(backend, res.status, 'not readable XML');
    }
    if (doc.root.name !== 'VspInteraction') throw unreadable(backend, res.status, 'not a VspInteraction');
    const member = doc.members.get('InteractionId');
    id = member?.kind === 'text' ? member.value : undefined;
  } else {
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      throw unreadable(backend, res.status, 'not readable JSON');
    }
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) id = (json as Record<string, unknown>).InteractionId;
  }
  if (typeof id !== 'string' || id === '') throw unreadable(backend, res.status, 'no InteractionId');
  // The id becomes the canonical one clients name in paths (DESIGN §4 ids in paths): one no path can carry is refused.
  if (!isAddressable(id)) throw unreadable(backend, res.status, 'an InteractionId no path can carry');
  return id;
}

/** The `Message` of an ASP.NET error answer, for the operator's log only; never more than 200 characters. */
export function upstreamMessage(res: UpstreamResponse): string | undefined {
  const json = /"Message"\s*:\s*"((?:[^"\\]|\\.){0,200})/.exec(res.body)?.[1];
  const xml = /<Message>([^<]{0,200})/.exec(res.body)?.[1];
  return json ?? xml;
}
