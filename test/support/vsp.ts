import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, type Answer } from './http-call';

// The VSP spec's own samples (specs/vsp-interaction.txt), copied byte for byte.
const fixture = (name: string): string => readFileSync(join(__dirname, '..', 'fixtures', 'vsp', name), 'utf8');
export const SPEC_REQUEST_JSON = fixture('create-request.json');
export const SPEC_REQUEST_XML = fixture('create-request.xml');
export const SPEC_ANSWER_JSON = fixture('vsp-interaction.json');
export const SPEC_ANSWER_XML = fixture('vsp-interaction.xml');

export const VSP_CREATE = '/api/vspinteraction/create';
export const VSP_NAMESPACE = 'http://schemas.datacontract.org/2004/07/SeeTheProWebAPI.Models';
export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export const JSON_TYPE = { 'content-type': 'application/json' };
export const XML_TYPE = { 'content-type': 'application/xml' };
export const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };

export const GUIDS = {
  AccountId: '6925ebd4-125d-4338-a736-99f4b5bcb3d7',
  ContactId: '3d6ab237-6e5e-4e4a-b76a-4ebe7d89b9e0',
  TenantKey: 'f4528424-7736-4037-8c10-45fe6f1f5754',
  GroupKey: 'fbd003c1-c221-4316-8569-b66b1a48d66c',
};

/** A CreateVspInteraction as JSON members, the GUIDs from the spec's sample. */
export const createFields = (key: string, identity: string, name = 'Order 42', extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  AppAccessKey: key,
  InteractionIdentity: identity,
  InteractionName: name,
  AccountId: GUIDS.AccountId,
  ContactId: GUIDS.ContactId,
  ...extra,
});

/** The same members as a DataContract XML document, in the order given (VSP reads any order). */
export function createXml(fields: Record<string, string | null>, namespace: string | undefined = VSP_NAMESPACE): string {
  const ns = namespace === undefined ? '' : ` xmlns:i="${XSI}" xmlns="${namespace}"`;
  const members = Object.entries(fields)
    .map(([name, value]) => (value === null ? `<${name} i:nil="true"/>` : `<${name}>${value}</${name}>`))
    .join('');
  return `<CreateVspInteraction${ns}>${members}</CreateVspInteraction>`;
}

/** The spec's VspInteraction sample with its placeholders replaced, written as .NET writes it (no indentation). */
export function specAnswer(format: 'json' | 'xml', values: { InteractionId: string; CampaignKey: string; InteractionUrl: string }): string {
  const sample = format === 'json' ? SPEC_ANSWER_JSON : SPEC_ANSWER_XML;
  const filled = sample
    .replace('sample string 1', values.InteractionId)
    .replace('sample string 2', values.CampaignKey)
    .replace('sample string 3', values.InteractionUrl);
  return format === 'json' ? JSON.stringify(JSON.parse(filled)) : filled.trim().replace(/>\s+</g, '><');
}

export const postVsp = (gw: { url: string }, body: string | Buffer, headers: Record<string, string>): Promise<Answer> =>
  call(gw, VSP_CREATE, { method: 'POST', headers, body });

/** The `<Message>` of an XML error, or undefined when the body is not exactly `<Error><Message>…</Message></Error>`. */
export const xmlErrorMessage = (text: string): string | undefined => /^<Error><Message>([^<]*)<\/Message><\/Error>$/.exec(text)?.[1];

/** A member of a VspInteraction XML answer. */
export const xmlMember = (text: string, name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
