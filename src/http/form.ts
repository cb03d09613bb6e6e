import { invalid } from '../core/errors';
import { setOrdered } from '../core/key-order';
import { assertSafeKey, MAX_USER_DATA_DEPTH } from '../core/user-data';
import { tooLarge } from './body';
import { namePath } from './form-name';

export type FormValue = string | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

/**
 * The objects a parsed form is made of. Their prototype is one empty, frozen object without a prototype of its own,
 * so nothing is inherited, as with a null prototype (`constructor`, `toString` and `__proto__` are plain keys), but
 * V8 keeps them as fast objects: Object.create(null) makes a dictionary object, about 180 bytes against 50, and
 * every form has one per group.
 */
const NOTHING_INHERITED: object = Object.freeze(Object.create(null) as object);
const FormGroup = function FormGroup() {} as unknown as new () => FormObject;
FormGroup.prototype = NOTHING_INHERITED as FormObject;

/** True for an object parseForm made (it has nothing to inherit, see FormGroup). */
export const isParsedGroup = (value: object): boolean => Object.getPrototypeOf(value) === NOTHING_INHERITED;

/** How the body's bytes and its %XX escapes are read: UTF-8, or ISO-8859-1 for legacy Java clients. */
export type FormCharset = 'utf-8' | 'latin1';

const LATIN1_ESCAPE = /%([0-9a-fA-F]{2})|%/g;

/**
 * Strict decoding of one name or value: invalid percent-encoding (`%ZZ`, or bytes that are not UTF-8) is an
 * error rather than a silently corrupted value. The message names the field, never a value: a value may be a card
 * number or a password. `field` is the decoded name for a value; a name is shown as sent (bracketsShown), worked out
 * only when it is needed.
 */
function decodePart(str: string, type: 'name' | 'value', charset: FormCharset, field?: string): string {
  // Most names and many values are plain: skip the regex and the decode for them (this runs per field).
  if (!str.includes('%') && !str.includes('+')) return str;
  const spaced = str.includes('+') ? str.replaceAll('+', ' ') : str;
  try {
    if (charset === 'utf-8') return decodeURIComponent(spaced);
    return spaced.replace(LATIN1_ESCAPE, (escape, hex: string | undefined) => {
      if (hex === undefined) throw new URIError(escape);
      return String.fromCharCode(parseInt(hex, 16));
    });
  } catch {
    const shown = field ?? bracketsShown(str);
    throw invalid(`Invalid percent-encoding in form ${type === 'name' ? 'key' : 'value of'} "${shown.slice(0, 64)}"`, shown);
  }
}

/** A raw name as a person reads it: its encoded brackets shown, the rest (the bad escape included) as sent. */
const bracketsShown = (name: string): string => name.replace(/%5B/gi, '[').replace(/%5D/gi, ']');

/**
 * Parses an application/x-www-form-urlencoded body as a servlet container reads its parameters, then reads each
 * parameter name's brackets (form-name.ts): `a[b][c]=v` nests (depth ≤ 5), `userData[a]b]` is the key `a]b`. A
 * repeated name keeps its last value, more than `maxFields` parameters is 413, no object inherits anything
 * (FormGroup) and each keeps the order its keys were sent in.
 */
export function parseForm(body: string, maxFields: number, charset: FormCharset = 'utf-8'): FormObject {
  const root = new FormGroup();
  if (body === '') return root;
  let fields = 0;
  // Pairs are cut out with indexOf rather than split('&'): one array fewer per form.
  for (let start = 0; start <= body.length; ) {
    let amp = body.indexOf('&', start);
    if (amp === -1) amp = body.length;
    const pair = body.slice(start, amp);
    start = amp + 1;
    if (pair === '') continue;
    if (++fields > maxFields) throw tooLarge(`More than ${maxFields} form fields`);
    const eq = pair.indexOf('=');
    const name = decodePart(eq === -1 ? pair : pair.slice(0, eq), 'name', charset);
    const value = eq === -1 ? '' : decodePart(pair.slice(eq + 1), 'value', charset, name);
    assign(root, namePath(name), value, name);
  }
  return root;
}

function assign(root: FormObject, path: string[], value: string, name: string): void {
  if (path.length > MAX_USER_DATA_DEPTH + 1) throw invalid(`Form keys nest deeper than ${MAX_USER_DATA_DEPTH}`, name);
  let target = root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    assertSafeKey(key);
    if (i === path.length - 1) {
      if (typeof target[key] === 'object') throw conflict(name);
      setOrdered(target, key, value);
      return;
    }
    let next = target[key];
    if (next === undefined) {
      next = new FormGroup();
      setOrdered(target, key, next);
    } else if (typeof next === 'string') throw conflict(name);
    target = next;
  }
}

/** A name given both a value and nested keys (`k=1&k[a]=2`): neither reading is safe to guess. */
const conflict = (name: string) =>
  invalid(`Parameter "${name.slice(0, 80)}" gives nested keys to a key that also has a value: a key holds either`, name);

/** Serialises a flat list of form pairs as a browser would (spaces as '+'). */
export function encodeForm(pairs: [string, string][]): string {
  return new URLSearchParams(pairs).toString();
}
