import { invalid } from '../../core/errors';
import { canonicalGuid } from '../../core/guid';
import { isAddressable } from '../../core/ids';
import type { XmlDataContract, XmlMember } from '../../http/xml-read';

/** CreateVspInteraction's members (spec: Body Parameters), as its DataContract names them. */
export const CREATE_FIELDS = ['AppAccessKey', 'InteractionIdentity', 'InteractionName', 'AccountId', 'ContactId', 'TenantKey', 'GroupKey'] as const;
export type CreateField = (typeof CREATE_FIELDS)[number];

/** A member as any of the three request formats gives it: text, null (JSON null, XML i:nil), or something else. */
export type BoundValue = XmlMember;
export type BoundFields = Partial<Record<CreateField, BoundValue>>;

export interface CreateVspInteraction {
  AppAccessKey: string;
  InteractionIdentity: string;
  InteractionName: string;
  AccountId: string;
  ContactId: string;
  TenantKey?: string;
  GroupKey?: string;
}

const BY_LOWER_NAME: ReadonlyMap<string, CreateField> = new Map(CREATE_FIELDS.map((f) => [f.toLowerCase(), f]));

/**
 * JSON and form names bind case-insensitively, as ASP.NET Web API binds them (Json.NET, FormDataCollection); a
 * name given twice keeps its last value. Unknown names are ignored.
 */
export function bindByName(entries: Iterable<[string, BoundValue]>): BoundFields {
  const bound: BoundFields = {};
  for (const [name, value] of entries) {
    const field = BY_LOWER_NAME.get(name.toLowerCase());
    if (field) bound[field] = value;
  }
  return bound;
}

/** XML names are exact, as DataContractSerializer reads them. */
export function bindXml(doc: XmlDataContract): BoundFields {
  const bound: BoundFields = {};
  for (const field of CREATE_FIELDS) {
    const member = doc.members.get(field);
    if (member) bound[field] = member;
  }
  return bound;
}

export const fromJsonValue = (value: unknown): BoundValue =>
  typeof value === 'string' ? { kind: 'text', value } : value === null ? { kind: 'nil' } : { kind: 'complex' };

/** Required string members: present, a string, not empty ("The {0} field is required.", as DataAnnotations say). */
export function requiredText(bound: BoundFields, field: CreateField): string {
  const value = bound[field];
  if (value === undefined || value.kind === 'nil' || (value.kind === 'text' && value.value === '')) {
    throw invalid(`The ${field} field is required.`, field);
  }
  if (value.kind !== 'text') throw invalid(`The ${field} field must be a string.`, field);
  return value.value;
}

function guidOf(field: CreateField, value: BoundValue): string {
  if (value.kind !== 'text') throw invalid(`The ${field} field must be a GUID.`, field);
  const guid = canonicalGuid(value.value);
  if (guid === undefined) throw invalid(`The ${field} field is not a valid GUID.`, field);
  return guid;
}

export function requiredGuid(bound: BoundFields, field: CreateField): string {
  const value = bound[field];
  if (value === undefined || value.kind === 'nil' || (value.kind === 'text' && value.value.trim() === '')) {
    throw invalid(`The ${field} field is required.`, field);
  }
  return guidOf(field, value);
}

/** Optional GUIDs: absent, null/nil or empty are all "none" (Json.NET reads "" as null for a Guid?). */
export function optionalGuid(bound: BoundFields, field: CreateField): string | undefined {
  const value = bound[field];
  if (value === undefined || value.kind === 'nil' || (value.kind === 'text' && value.value.trim() === '')) return undefined;
  return guidOf(field, value);
}

/**
 * InteractionIdentity becomes the externalId, which must be addressable (DESIGN §4 shared rules, enforced again by
 * the core): said here in VSP's own words.
 */
function addressableIdentity(identity: string): string {
  if (!isAddressable(identity)) {
    throw invalid('The InteractionIdentity field is not valid: it must not be ".", "..", nor hold "/", "\\" or control characters.', 'InteractionIdentity');
  }
  return identity;
}

/** Every member but the key, checked once the key is known good: a caller without one learns nothing more. */
export function parseCreateFields(bound: BoundFields, appAccessKey: string): CreateVspInteraction {
  const request: CreateVspInteraction = {
    AppAccessKey: appAccessKey,
    InteractionIdentity: addressableIdentity(requiredText(bound, 'InteractionIdentity')),
    InteractionName: requiredText(bound, 'InteractionName'),
    AccountId: requiredGuid(bound, 'AccountId'),
    ContactId: requiredGuid(bound, 'ContactId'),
  };
  const tenantKey = optionalGuid(bound, 'TenantKey');
  if (tenantKey !== undefined) request.TenantKey = tenantKey;
  const groupKey = optionalGuid(bound, 'GroupKey');
  if (groupKey !== undefined) request.GroupKey = groupKey;
  return request;
}
