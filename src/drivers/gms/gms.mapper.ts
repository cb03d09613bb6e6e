import type { CommandContext, CreateCommand, GetCommand, InteractionRef, StopCommand, UpdateCommand } from '../../core/command';
import { assertValidCommand } from '../../core/command-rules';
import { invalid } from '../../core/errors';
import { assertSafeKey, type UserData, type UserDataEntry } from '../../core/user-data';
import { formName } from '../../http/form-name';
import { encodeSegment } from '../../http/path';
import type { GmsDriverConfig } from './gms.config';

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
 * The form name of a user-data entry at `keys` below `head`: only a name that GMS reads back as exactly that key
 * path can be sent (http/form-name.ts: a key may hold brackets when it cannot be read as nested groups; keys inside
 * a kvlist cannot; an empty or all-digit nested key would read as an array).
 */
function formKey(head: string, keys: readonly string[]): string {
  keys.forEach(assertSafeKey);
  const name = formName(head, keys);
  const at = keys.join('.');
  if (name === undefined) throw invalid(`User-data key "${at}" cannot be sent to GMS: its form name would read back as another key`, at);
  return name;
}

/**
 * A form carries one value per key, so duplicate keys collapse to the last entry at its first position (what a
 * GMS form parser keeps, and how most dialects render user data, DESIGN §3). GMS forms carry strings only: an int
 * is sent as its decimal string and reads back as `str`. An empty kvlist has no form spelling at all.
 */
function userDataPairs(head: string, userData: UserData, pairs: Pairs, path: string[] = []): Pairs {
  const last = new Map<string, UserDataEntry>();
  for (const entry of userData) last.set(entry.key, entry);
  for (const [key, entry] of last) {
    const keys = [...path, key];
    if (entry.type === 'kvlist' && entry.value.length === 0) {
      throw invalid(`User-data key "${keys.join('.')}" is an empty kvlist, which GMS forms cannot carry`, keys.join('.'));
    }
    if (entry.type === 'kvlist') userDataPairs(head, entry.value, pairs, keys);
    else pairs.push([formKey(head, keys), String(entry.value)]);
  }
  return pairs;
}

const optional = (name: string, value: string | undefined): Pairs => (value === undefined ? [] : [[name, value]]);

/**
 * Create (spec, "Create an Open Media Interaction"). The parent id, receivedAt, queue and dialect extras have no
 * GMS parameter and are not sent; the type fields count upstream only where its `allow_overwrite` is on.
 */
export function toCreateRequest(command: CreateCommand): GmsRequest {
  assertValidCommand(command);
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
  assertValidCommand(command);
  const final = new Map<string, UserDataEntry | null>();
  for (const change of command.changes) {
    if (change.op === 'delete') for (const key of change.keys) setLast(final, key, null);
    else for (const entry of change.entries) setLast(final, entry.key, entry);
  }
  const changed: UserData = [];
  const deletes: Pairs = [];
  for (const [key, entry] of final) {
    if (entry) changed.push(entry);
    else deletes.push([formKey('delete', [key]), '']);
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
