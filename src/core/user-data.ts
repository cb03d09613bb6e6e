import { invalid } from './errors';
import { hasKeyOrder, markOrdered, orderedKeys, setOrdered } from './key-order';

/**
 * User data is an ordered list of typed entries, as Interaction Server keeps it: duplicate keys are legal
 * (Workspace AttachUserData makes them), and a kvlist nests another list.
 */
export type UserDataEntry =
  | { key: string; type: 'str'; value: string }
  | { key: string; type: 'int'; value: number }
  | { key: string; type: 'kvlist'; value: UserData };
export type UserData = UserDataEntry[];

export const MAX_USER_DATA_DEPTH = 5;

/** Keys that would reach an object's prototype if ever used as a property name; rejected in every dialect. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function assertSafeKey(key: string): void {
  if (FORBIDDEN_KEYS.has(key)) throw invalid(`User-data key "${key}" is not allowed`, key);
}

/**
 * A wire object (JSON or a parsed form) to user data, in the order the client sent its keys. Strings stay strings,
 * integers become `int`, an integer past 2^53 (a `bigint` from the exact JSON reader) keeps its exact decimal
 * string, booleans and non-integer numbers keep their string form, objects become `kvlist` (depth ≤ 5); `null` and
 * arrays are rejected naming the key.
 */
export function userDataFromObject(obj: Record<string, unknown>, path = '', depth = 1): UserData {
  const out: UserData = [];
  for (const key of orderedKeys(obj)) {
    assertSafeKey(key);
    out.push(entryFromValue(key, obj[key], path === '' ? key : `${path}.${key}`, depth));
  }
  return out;
}

export function entryFromValue(key: string, value: unknown, path = key, depth = 1): UserDataEntry {
  switch (typeof value) {
    case 'string':
      return { key, type: 'str', value };
    case 'number':
      if (Number.isSafeInteger(value)) return { key, type: 'int', value };
      if (!Number.isFinite(value)) throw invalid(`User-data key "${path}" must be a finite number`, path);
      return { key, type: 'str', value: String(value) };
    case 'boolean':
    case 'bigint':
      return { key, type: 'str', value: String(value) };
    case 'object': {
      if (value === null) throw invalid(`User-data key "${path}" must not be null`, path);
      if (Array.isArray(value)) throw invalid(`User-data key "${path}" must not be an array`, path);
      if (depth >= MAX_USER_DATA_DEPTH) throw invalid(`User-data key "${path}" nests deeper than ${MAX_USER_DATA_DEPTH}`, path);
      return { key, type: 'kvlist', value: userDataFromObject(value as Record<string, unknown>, path, depth + 1) };
    }
    default:
      throw invalid(`User-data key "${path}" has an unsupported value`, path);
  }
}

/**
 * User data as a JSON object: with duplicate keys the last entry wins, at the first one's place. Null-prototype, so
 * no key is special. Where an integer-like key would reorder it, the object (and every object above it) carries
 * its order for the ordered JSON writer.
 */
export function userDataToObject(userData: UserData): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  let nestedOrder = false;
  for (const entry of userData) {
    const value = entry.type === 'kvlist' ? userDataToObject(entry.value) : entry.value;
    if (entry.type === 'kvlist' && hasKeyOrder(value as object)) nestedOrder = true;
    setOrdered(out, entry.key, value);
  }
  if (nestedOrder) markOrdered(out);
  return out;
}

/** What one entry costs beyond its key and value text: the entry object and its slot in the list. */
const ENTRY_OVERHEAD_BYTES = 48;

/**
 * A cheap estimate of the memory user data holds: key and value lengths plus a fixed cost per entry, nested lists
 * included. Buffers the gateway keeps (the embedded contact center, idempotency records) are bounded by it.
 */
export function userDataBytes(userData: UserData): number {
  let bytes = 0;
  for (const entry of userData) {
    bytes += ENTRY_OVERHEAD_BYTES + entry.key.length;
    if (entry.type === 'str') bytes += entry.value.length;
    else if (entry.type === 'int') bytes += 8;
    else bytes += userDataBytes(entry.value);
  }
  return bytes;
}
