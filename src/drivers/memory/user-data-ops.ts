import type { UserDataChange } from '../../core/command';
import type { UserData, UserDataEntry } from '../../core/user-data';

/**
 * Applies changes in order, as Interaction Server does, and returns a new list: neither argument is mutated and
 * the result shares no object with `changes`. Entries already in `userData` are shared, as they are never mutated.
 * The memory contact center is lenient (DESIGN §3): `replace` of an absent key and `add` of a present key behave as
 * `upsert`; only `add` with keepDuplicates appends a second entry of a key.
 */
export function applyUserDataChanges(userData: UserData, changes: readonly UserDataChange[]): UserData {
  let out = userData;
  for (const change of changes) {
    switch (change.op) {
      case 'upsert':
      case 'replace':
        out = upsertEntries(out, change.entries);
        break;
      case 'add':
        out = change.keepDuplicates ? [...out, ...change.entries.map(cloneEntry)] : upsertEntries(out, change.entries);
        break;
      case 'delete':
        out = deleteKeys(out, change.keys);
        break;
    }
  }
  return out === userData ? [...userData] : out;
}

/**
 * Each key of `entries` ends with exactly one entry: in the place of its first existing entry, or appended. Within
 * one batch a repeated key behaves as successive upserts: the last value, at the first key's place.
 */
export function upsertEntries(userData: UserData, entries: readonly UserDataEntry[]): UserData {
  if (entries.length === 0) return userData;
  const incoming = new Map<string, UserDataEntry>();
  for (const entry of entries) incoming.set(entry.key, entry);
  const placed = new Set<string>();
  const out: UserData = [];
  for (const entry of userData) {
    const replacement = incoming.get(entry.key);
    if (replacement === undefined) out.push(entry);
    else if (!placed.has(entry.key)) {
      out.push(cloneEntry(replacement));
      placed.add(entry.key);
    }
  }
  for (const [key, entry] of incoming) if (!placed.has(key)) out.push(cloneEntry(entry));
  return out;
}

/** Removes every entry of each key; a key that is absent is no error. */
export function deleteKeys(userData: UserData, keys: readonly string[]): UserData {
  if (keys.length === 0) return userData;
  const gone = new Set(keys);
  return userData.filter((entry) => !gone.has(entry.key));
}

export function cloneUserData(userData: UserData): UserData {
  return userData.map(cloneEntry);
}

export function cloneEntry(entry: UserDataEntry): UserDataEntry {
  return entry.type === 'kvlist' ? { key: entry.key, type: 'kvlist', value: cloneUserData(entry.value) } : { ...entry };
}
