import { invalid } from '../core/errors';

/**
 * How a form parameter name is read into a key path. A servlet container (Tomcat, Jetty) keeps a parameter name
 * whole: `userData[a]b]` is one parameter, and GMS takes the user-data key as everything between the first `[`
 * and the last `]` (`a]b`). Nested user data (DESIGN §4: kvlists in brackets, depth ≤ 5) is written as a run of
 * groups `userData[a][b]`. The two readings meet in one rule:
 *
 * - a name whose bracket part is a clean run of groups, each free of `[` and `]`, is a path: `userData[a][b]`
 *   → userData › a › b;
 * - any other name ending in `]` is one key between its first `[` and its last `]`: `userData[a]b]` → a]b,
 *   `userData[x[1]` → x[1, `userData[[a]]` → [a];
 * - a name without brackets, or starting with one, is a plain name.
 *
 * So a key that itself looks like `a][b` can only be nested, and keys inside a kvlist cannot hold brackets.
 * Arrays have no place in user data: a nested group that is empty or all digits (`userData[list][]`,
 * `userData[list][0]`, qs's and PHP's array forms) is refused naming the parameter, never read as keys 0, 1, …
 * An empty key (`userData[]`) names nothing and is refused too; a name with text after its last `]` is malformed.
 */
const CLEAN_GROUPS = /^(?:\[[^[\]]*\])+$/;
const ARRAY_INDEX = /^\d*$/;

export function namePath(name: string): string[] {
  const open = name.indexOf('[');
  if (open <= 0) return [name];
  const head = name.slice(0, open);
  // One group, `head[key]` (how nearly every form names its user data), read without regex or split.
  if (name.indexOf(']', open) === name.length - 1 && name.indexOf('[', open + 1) === -1) {
    const key = name.slice(open + 1, -1);
    if (key === '') throw invalid(`Parameter "${name.slice(0, 80)}" names no key: write it as ${head}[key]`, name);
    return [head, key];
  }
  const rest = name.slice(open);
  if (!rest.endsWith(']')) throw invalid(`Parameter "${name.slice(0, 80)}" is malformed: text after its last "]"`, name);
  if (!CLEAN_GROUPS.test(rest)) return [head, rest.slice(1, -1)];
  const keys = rest.slice(1, -1).split('][');
  keys.forEach((key, i) => {
    if (key === '') throw invalid(`Parameter "${name.slice(0, 80)}" names no key: ${i === 0 ? 'write it as ' + head + '[key]' : 'arrays are not user data'}`, name);
    if (i > 0 && ARRAY_INDEX.test(key)) {
      throw invalid(`Parameter "${name.slice(0, 80)}" is an array index: user data holds strings, integers and nested keys, not lists`, name);
    }
  });
  return [head, ...keys];
}

/** The parameter name that reads back as exactly `head` › `keys`, or undefined when no name can (see namePath). */
export function formName(head: string, keys: readonly string[]): string | undefined {
  const name = head + keys.map((k) => `[${k}]`).join('');
  try {
    const back = namePath(name);
    return back.length === keys.length + 1 && back.every((part, i) => part === (i === 0 ? head : keys[i - 1])) ? name : undefined;
  } catch {
    return undefined;
  }
}
