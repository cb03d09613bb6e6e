import type { CommandContext, CreateCommand, GetCommand, InteractionRef, StopCommand, UpdateCommand } from '../../core/command';
import { invalid } from '../../core/errors';
import { assertSafeKey, type UserData, type UserDataEntry } from '../../core/user-data';
import { encodeSegment } from '../../http/path';
import type { GmsDriverConfig } from './gms.config';
import { EXTERNAL_ID_KEY } from './gms.schema';

/**
 * Canonical commands → the GMS open media wire (specs/gms-openmedia.md, DESIGN §4 gms): every call is a form POST
 * below the backend's baseUrl. Answers are read in gms.answer.ts.
 */
export interface GmsRequest {
  /** Below baseUrl, each client value one encoded segment. */
  path: string;
  /** Ordered form pairs, serialised with encodeForm. */
  form: [string, string][];
}

type Pairs = [string, string][];

const interactionPath = (service: string, ref: InteractionRef, action: string): string =>
  `/${encodeSegment(service, 'service')}/${encodeSegment(ref.value, ref.by === 'id' ? 'interaction id' : 'externalId')}/${action}`;

/** GMS searches by interaction id unless told otherwise (spec, Get: searchByExternalId). */
const refPairs = (ref: InteractionRef): Pairs => (ref.by === 'externalId' ? [['searchByExternalId', 'true']] : []);

/**
 * A user-data key becomes a bracketed form key. Brackets inside a key would change its nesting on the other side
 * (`a]b` is cut to `a`), and an empty key turns into an array index, so neither can be sent faithfully.
 */
function formKey(key: string, path: string): string {
  if (key === '' || /[[\]]/.test(key)) throw invalid(`User-data key "${path}" cannot be sent to GMS: empty or holding brackets`, path);
  // GMS keeps the externalId as the top-level user-data key ExternalId (spec, Create): writing that key would
  // change or remove the interaction's externalId behind the caller's back (DESIGN §4: never sent as user data).
  if (key === EXTERNAL_ID_KEY && path === key) throw invalid(`User-data key "${key}" is reserved by GMS for the externalId`, key);
  assertSafeKey(key);
  return `[${key}]`;
}

/**
 * A form carries one value per key, so duplicate keys collapse to the last entry at its first position (what a
 * GMS form parser keeps, and how most dialects render user data, DESIGN §3). GMS forms carry strings only: an int
 * is sent as its decimal string and reads back as `str`. An empty kvlist has no form spelling at all.
 */
function userDataPairs(prefix: string, userData: UserData, pairs: Pairs, path = ''): Pairs {
  const last = new Map<string, UserDataEntry>();
  for (const entry of userData) last.set(entry.key, entry);
  for (const [key, entry] of last) {
    const at = path === '' ? key : `${path}.${key}`;
    const name = prefix + formKey(key, at);
    if (entry.type !== 'kvlist') pairs.push([name, String(entry.value)]);
    else if (entry.value.length === 0) throw invalid(`User-data key "${at}" is an empty kvlist, which GMS forms cannot carry`, at);
    else userDataPairs(name, entry.value, pairs, at);
  }
  return pairs;
}

const optional = (name: string, value: string | undefined): Pairs => (value === undefined ? [] : [[name, value]]);

/**
 * Create (spec, "Create an Open Media Interaction"). The parent id, receivedAt, queue and dialect extras have no
 * GMS parameter and are not sent; the type fields count upstream only where its `allow_overwrite` is on.
 */
export function toCreateRequest(command: CreateCommand): GmsRequest {
  return {
    path: `/${encodeSegment(command.service, 'service')}`,
    form: [
      ...optional('externalId', command.externalId),
      ...optional('interactionType', command.interactionType),
      ...optional('interactionSubType', command.interactionSubtype),
      ...optional('mediaType', command.mediaType),
      ...userDataPairs('userData', command.userData, []),
    ],
  };
}

export function toGetRequest(command: GetCommand): GmsRequest {
  return { path: interactionPath(command.service, command.ref, 'get'), form: refPairs(command.ref) };
}

/**
 * GMS has `change[k]` ("Adds or modifies") and `delete[k]` only, so upsert, replace and add all become change.
 * GMS applies a form's changes before its deletes, whatever their order; the canonical changes apply in order, so
 * they are folded per key first: the last operation on a key is the one sent.
 */
export function toUpdateRequest(command: UpdateCommand): GmsRequest {
  const final = new Map<string, UserDataEntry | null>();
  for (const change of command.changes) {
    if (change.op === 'delete') for (const key of change.keys) setLast(final, key, null);
    else for (const entry of change.entries) setLast(final, entry.key, entry);
  }
  const changed: UserData = [];
  const deletes: Pairs = [];
  for (const [key, entry] of final) {
    if (entry) changed.push(entry);
    else deletes.push([`delete${formKey(key, key)}`, '']);
  }
  const form = [...userDataPairs('change', changed, []), ...deletes];
  if (form.length === 0) throw invalid('You must provide at least one key to change or delete', 'changes');
  return { path: interactionPath(command.service, command.ref, 'update'), form: [...refPairs(command.ref), ...form] };
}

/** A later operation on a key moves it to the end, so the form lists keys in the order they were last touched. */
function setLast<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
}

export function toStopRequest(command: StopCommand): GmsRequest {
  return {
    path: interactionPath(command.service, command.ref, 'stop'),
    form: [
      ...refPairs(command.ref),
      ...optional('reasonSystemName', command.reasonSystemName),
      ...optional('reasonDescription', command.reasonDescription),
    ],
  };
}

/** Headers of every call. `gms_user` is context for GMS's records, never a credential (DESIGN §4 gms). */
export function gmsHeaders(config: Pick<GmsDriverConfig, 'basicAuth' | 'gmsUser'>, context: CommandContext): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    'x-request-id': context.requestId,
  };
  if (config.basicAuth) {
    const { username, password } = config.basicAuth;
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  }
  const gmsUser = config.gmsUser ?? context.gmsUser;
  if (gmsUser !== undefined) headers.gms_user = gmsUser;
  if (context.traceId !== undefined) headers['x-b3-traceid'] = context.traceId;
  return headers;
}
