import type { AgentOperation, UserDataChange } from '../../core/command';
import { invalid, missing } from '../../core/errors';
import { assertSafeKey, userDataFromObject } from '../../core/user-data';
import { decodeIdSegment } from '../../http/path';

/** What one `POST /me/interactions/{id}` body asks for, before it is tied to an interaction and an agent. */
export type WweOperation =
  | { kind: 'agent'; operation: AgentOperation }
  | { kind: 'update'; change: UserDataChange }
  | { kind: 'workbinContent'; workbin: string };

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The operations of `me/interactions/{id}` (specs/wwe-interactions-v2.txt, DESIGN §4 wwe). A Map, so an
 * operationName such as `__proto__` or `constructor` finds nothing.
 */
const OPERATIONS = new Map<string, (body: JsonObject) => WweOperation>([
  ['Accept', () => agent({ op: 'accept' })],
  ['Reject', () => agent({ op: 'reject' })],
  ['Cancel', () => agent({ op: 'cancel' })],
  ['Complete', () => agent({ op: 'complete' })],
  ['PlaceInQueue', (body) => agent({ op: 'placeInQueue', queue: requiredName(body, 'queueName') })],
  ['PlaceInWorkbin', (body) => agent({ op: 'placeInWorkbin', workbin: requiredName(body, 'workbin') })],
  ['GetWorkbinContent', (body) => ({ kind: 'workbinContent', workbin: requiredName(body, 'workbin') })],
  ['Transfer', (body) => agent({ op: 'transfer', targetAgentId: transferTarget(body) })],
  ['SingleStepTransfer', (body) => agent({ op: 'transfer', targetAgentId: transferTarget(body) })],
  ['UpdateUserData', (body) => ({ kind: 'update', change: { op: 'upsert', entries: userDataOf(body) } })],
  ['AttachUserData', (body) => ({ kind: 'update', change: { op: 'add', keepDuplicates: true, entries: userDataOf(body) } })],
  ['DeleteUserData', (body) => ({ kind: 'update', change: { op: 'delete', keys: keysToDelete(body) } })],
]);

export const OPERATION_NAMES: readonly string[] = [...OPERATIONS.keys()];

/**
 * A request body → the operation it names. A required field absent (or null, or empty) is a missing parameter
 * (Workspace statusCode 1); present with the wrong type or an unknown value, an input validation error (10).
 */
export function parseOperation(body: unknown): WweOperation {
  if (body === undefined) throw missing('operationName');
  if (!isObject(body)) throw invalid('The request body must be a JSON object');
  const name = body.operationName;
  if (name === undefined || name === null || name === '') throw missing('operationName');
  if (typeof name !== 'string') throw invalid('operationName must be a string', 'operationName');
  const parse = OPERATIONS.get(name);
  if (!parse) throw invalid(`Unknown operationName "${printable(name)}"`, 'operationName');
  return parse(body);
}

const agent = (operation: AgentOperation): WweOperation => ({ kind: 'agent', operation });

function requiredText(body: JsonObject, field: string): string {
  const value = body[field];
  if (value === undefined || value === null || value === '') throw missing(field);
  if (typeof value !== 'string') throw invalid(`${field} must be a string`, field);
  return value;
}

/**
 * Longest queue, workbin or agent name: Configuration Server's limit on object names. A name is kept with the
 * interaction it places, so an unbounded one would grow the contact center past its byte budget.
 */
export const MAX_NAME_LENGTH = 255;

/** A queue, workbin or agent name: a string of at most MAX_NAME_LENGTH characters with no control characters. */
function requiredName(body: JsonObject, field: string): string {
  const value = requiredText(body, field);
  if (value.length > MAX_NAME_LENGTH) throw invalid(`${field} is longer than ${MAX_NAME_LENGTH} characters`, field);
  if (/[\u0000-\u001f\u007f]/.test(value)) throw invalid(`${field} holds a control character`, field);
  return value;
}

/** The spec's `userId`, or a `targetUri` naming a user (`…/users/{userId}`), as Workspace's transfer targets do. */
function transferTarget(body: JsonObject): string {
  if (body.userId !== undefined && body.userId !== null) return requiredName(body, 'userId');
  if (body.targetUri === undefined || body.targetUri === null) throw missing('userId');
  const uri = requiredText(body, 'targetUri');
  const m = /\/users\/([^/?#]+)\/?$/.exec(uri);
  if (!m) throw invalid('targetUri must end in /users/{userId}', 'targetUri');
  // The same rules as an id in a path: a target agent id is used as one by a backend that routes to agents.
  const userId = decodeIdSegment(m[1]!, 'targetUri');
  if (userId.length > MAX_NAME_LENGTH) throw invalid(`targetUri names a user longer than ${MAX_NAME_LENGTH} characters`, 'targetUri');
  return userId;
}

function userDataOf(body: JsonObject): ReturnType<typeof userDataFromObject> {
  const value = body.userData;
  if (value === undefined || value === null) throw missing('userData');
  if (!isObject(value)) throw invalid('userData must be an object', 'userData');
  const entries = userDataFromObject(value, 'userData');
  if (entries.length === 0) throw missing('userData');
  return entries;
}

/** `keys` (an array of key names), or else the keys of `userData`, whose values are not read (spec example). */
function keysToDelete(body: JsonObject): string[] {
  let keys: unknown[];
  if (body.keys !== undefined && body.keys !== null) {
    if (!Array.isArray(body.keys)) throw invalid('keys must be an array of strings', 'keys');
    keys = body.keys;
  } else if (body.userData !== undefined && body.userData !== null) {
    if (!isObject(body.userData)) throw invalid('userData must be an object', 'userData');
    keys = Object.keys(body.userData);
  } else throw missing('keys');
  if (keys.length === 0) throw missing('keys');
  for (const key of keys) {
    if (typeof key !== 'string') throw invalid('keys must be an array of strings', 'keys');
    assertSafeKey(key);
  }
  return keys as string[];
}

/** A client value quoted in a message: bounded, with control characters shown as '?'. */
const printable = (value: string): string => value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 64);
