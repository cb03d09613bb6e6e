/**
 * Service-name patterns of the config (routes, API-key scopes, service defaults): `*` matches any run of
 * characters, everything else is literal, and the whole name must match.
 */
export type NameMatcher = (name: string) => boolean;

export function compilePattern(pattern: string): NameMatcher {
  if (pattern === '*') return () => true;
  if (!pattern.includes('*')) return (name) => name === pattern;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const re = new RegExp(`^${source}$`, 's');
  return (name) => re.test(name);
}

/** Matches a name that any of `patterns` matches (a credential's or an agent's service scope). */
export function compilePatterns(patterns: readonly string[]): NameMatcher {
  const matchers = patterns.map(compilePattern);
  return matchers.length === 1 ? matchers[0]! : (name) => matchers.some((matches) => matches(name));
}

/** True when `name` holds a wildcard, i.e. names a set of services rather than one. */
export const isPattern = (name: string): boolean => name.includes('*');
