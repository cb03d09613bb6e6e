import { GatewayError } from '../../core/errors';
import { compilePattern, type NameMatcher } from '../../core/pattern';
import { constantTimeEqual, createBasicAuthVerifier } from '../../http/basic-auth';
import type { OracleInboundConfig } from './oracle.config';

/** Who is calling, by a label safe for logs, and which services' interactions they may see. */
export interface OracleCaller {
  client?: string;
  mayUse(service: string): boolean;
}

export type OracleAuthenticate = (authorization: string | undefined) => OracleCaller;

const OPEN: OracleCaller = { mayUse: () => true };
const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

const scopeOf = (patterns: string[]): NameMatcher => {
  const matchers = patterns.map(compilePattern);
  return (service) => matchers.some((matches) => matches(service));
};

/**
 * Oracle CX Service takes Basic or Bearer (OAuth) credentials. When either is configured one of them must
 * match; with neither the dialect is open, as the sandbox is (DESIGN §4 oracle). Every configured token is
 * compared on every call, as the Basic verifier does for users, so timing tells nothing about a near miss.
 */
export function createOracleAuth(config: Pick<OracleInboundConfig, 'basicAuth' | 'bearerTokens'>): OracleAuthenticate {
  if (!config.basicAuth && !config.bearerTokens) return () => OPEN;
  const users = Object.entries(config.basicAuth?.users ?? {});
  const verifyBasic = createBasicAuthVerifier(Object.fromEntries(users.map(([name, u]) => [name, typeof u === 'string' ? u : u.password])));
  const userScopes = new Map(users.map(([name, u]) => [name, scopeOf(typeof u === 'string' ? ['*'] : u.services)]));
  const tokens = (config.bearerTokens ?? []).map((t, index) => ({
    token: typeof t === 'string' ? t : t.token,
    label: `token#${index}`,
    mayUse: scopeOf(typeof t === 'string' ? ['*'] : t.services),
  }));

  return (authorization) => {
    const bearer = authorization === undefined ? null : BEARER.exec(authorization);
    if (bearer) {
      let found: (typeof tokens)[number] | undefined;
      for (const t of tokens) if (constantTimeEqual(t.token, bearer[1]!) && !found) found = t;
      if (found) return { client: found.label, mayUse: found.mayUse };
    } else {
      const user = verifyBasic(authorization);
      const mayUse = user === undefined ? undefined : userScopes.get(user);
      if (user !== undefined && mayUse) return { client: user, mayUse };
    }
    throw new GatewayError('unauthorized', 'Authentication required');
  };
}

/** The challenge a 401 carries: the schemes this dialect is configured to take. */
export function challengeOf(config: Pick<OracleInboundConfig, 'basicAuth' | 'bearerTokens'>): string | undefined {
  const schemes: string[] = [];
  if (config.basicAuth) schemes.push('Basic realm="crmRestApi"');
  if (config.bearerTokens) schemes.push('Bearer realm="crmRestApi"');
  return schemes.length > 0 ? schemes.join(', ') : undefined;
}
