import { hash } from 'node:crypto';
import type { Command, CommandKind } from './command';
import { jsonString } from './json-text';

/**
 * A digest of what a command asks for (kind, service, ref, externalId, fields), not of who asked or when (its
 * context): two sends of one request have the same fingerprint, two different requests under one idempotency key
 * do not (IETF draft-ietf-httpapi-idempotency-key-header-07 §2.4, "request payload fingerprint").
 */
export function fingerprintOf(command: Command): string {
  json = '';
  writeCommand(command);
  return digest(joined());
}

/**
 * A fixed-length name for a state-store key: bounded whatever the client sent, and no raw client value in it.
 * The one-shot `hash` costs a fraction of a createHash object on the short texts digested per request.
 */
export function digest(text: string): string {
  return hash('sha256', text, 'base64url');
}

/**
 * JSON with object keys sorted (a client may send one body's keys in another order); arrays keep their order.
 * `skip` leaves out one key of the top-level object.
 */
export function stableJson(value: unknown, skip?: string): string {
  json = '';
  writeValue(value, skip);
  return joined();
}

/*
 * The text is built by appending to one string: V8 keeps each append as a small node (a cons string) until the
 * digest reads it once, flat. Cheaper in CPU than an array joined (Array.prototype.join is slow on few short
 * pieces); a command's own keys are written with the text around them, so appends are few.
 */
let json = '';

function joined(): string {
  const written = json;
  json = '';
  return written;
}

/** Sorted keys, each as written first (`{"key":`) and after another (`,"key":`). */
interface Fields {
  keys: readonly string[];
  first: readonly string[];
  next: readonly string[];
}

const fieldsOf = (keys: readonly string[]): Fields => ({ keys, first: keys.map((k) => `{"${k}":`), next: keys.map((k) => `,"${k}":`) });

/** Each kind's own keys in sorted order, context left out: the command's JSON needs no sort when these are all it has. */
const COMMAND_FIELDS: ReadonlyMap<CommandKind, Fields> = new Map<CommandKind, Fields>([
  ['create', fieldsOf(['externalId', 'extra', 'interactionSubtype', 'interactionType', 'kind', 'mediaType', 'parentInteractionId', 'queue', 'receivedAt', 'service', 'userData'])],
  ['get', fieldsOf(['kind', 'ref', 'service'])],
  ['update', fieldsOf(['asAgent', 'changes', 'kind', 'ref', 'service'])],
  ['stop', fieldsOf(['kind', 'reasonDescription', 'reasonSystemName', 'ref', 'service'])],
  ['agent', fieldsOf(['agentId', 'kind', 'operation', 'ref', 'service'])],
  ['list', fieldsOf(['agentId', 'kind', 'limit', 'service', 'workbin'])],
]);
const CONTEXT = 'context';

/** A user-data entry's keys, in order: an object with no others is written as it is, without a key list or a sort. */
const ENTRY_FIELDS = fieldsOf(['key', 'type', 'value']);

/** The command as stableJson(command, 'context') writes it; an object with a key its kind does not know takes the generic way. */
function writeCommand(command: Command): void {
  const record = command as unknown as Record<string, unknown>;
  const fields = COMMAND_FIELDS.get(command.kind);
  if (fields === undefined || !hasOnly(record, fields.keys, CONTEXT)) writeValue(command, CONTEXT);
  else writeFields(record, fields);
}

/** Whether `record`'s enumerable keys are among `keys` (and `extra`): counted, so no key list is made. */
function hasOnly(record: Record<string, unknown>, keys: readonly string[], extra?: string): boolean {
  let own = 0;
  for (const _key in record) own += 1;
  let known = extra !== undefined && Object.hasOwn(record, extra) ? 1 : 0;
  for (const key of keys) if (Object.hasOwn(record, key)) known += 1;
  return known === own;
}

/** `record`'s fields (sorted, plain names needing no escape) as a JSON object, undefined values left out. */
function writeFields(record: Record<string, unknown>, fields: Fields): void {
  let first = true;
  for (let i = 0; i < fields.keys.length; i++) {
    const field = record[fields.keys[i]!];
    if (field === undefined) continue;
    json += first ? fields.first[i]! : fields.next[i]!;
    first = false;
    writeValue(field);
  }
  json += first ? '{}' : '}';
}

function writeValue(value: unknown, skip?: string): void {
  if (typeof value === 'string') return writeString(value);
  if (value === undefined) return void (json += 'null');
  if (value === null || typeof value !== 'object') return void (json += JSON.stringify(value));
  if (Array.isArray(value)) {
    json += '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) json += ',';
      writeValue(value[i]);
    }
    return void (json += ']');
  }
  const record = value as Record<string, unknown>;
  if (skip === undefined && hasOnly(record, ENTRY_FIELDS.keys)) return writeFields(record, ENTRY_FIELDS);
  let first = true;
  for (const key of sortedKeys(record)) {
    const field = record[key];
    if (field === undefined || key === skip) continue;
    json += first ? '{' : ',';
    first = false;
    writeString(key);
    json += ':';
    writeValue(field);
  }
  json += first ? '{}' : '}';
}

/** An object's keys in order; most come in order already and need no sort. */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return keys.sort();
  return keys;
}

function writeString(value: string): void {
  json += jsonString(value);
}
