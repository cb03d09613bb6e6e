import { GatewayError } from '../../core/errors';
import { createBasicVerifier, createSecretVerifier, type Client } from '../../http/credentials';
import type { OracleInboundConfig } from './oracle.config';

/** Who is calling, by a label safe for logs, and which services' interactions they may see. */
export interface OracleCaller {
  client?: string;
  mayUse(service: string): boolean;
  /** The configured credential, whose scope and rate limit the gateway applies to every command. */
  credential?: Client;
}

export type OracleAuthenticate = (authorization: string | undefined) => OracleCaller;

const OPEN: OracleCaller = { mayUse: () => true };
const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

/**
 * Oracle CX Service takes Basic or Bearer (OAuth) credentials. When either is configured one of them must
 * match; with neither the dialect is open, as the sandbox is (DESIGN §4 oracle). Both go through the shared
 * verifiers, which compare every configured credential on every call, so timing tells nothing about a near miss.
 */
export function createOracleAuth(config: Pick<OracleInboundConfig, 'basicAuth' | 'bearerTokens'>): OracleAuthenticate {
  if (!config.basicAuth && !config.bearerTokens) return () => OPEN;
  const verifyBasic = createBasicVerifier('oracle', config.basicAuth?.users ?? {});
  const verifyToken = createSecretVerifier('oracle', 'token', Object.fromEntries((config.bearerTokens ?? []).map(({ token, ...scope }) => [token, scope])));

  return (authorization) => {
    const bearer = authorization === undefined ? null : BEARER.exec(authorization);
    const credential = bearer ? verifyToken(bearer[1]!) : verifyBasic(authorization);
    if (!credential) throw new GatewayError('unauthorized', 'Authentication required');
    return { client: credential.label, mayUse: credential.allows, credential };
  };
}

/** The challenge a 401 carries: the schemes this dialect is configured to take. */
export function challengeOf(config: Pick<OracleInboundConfig, 'basicAuth' | 'bearerTokens'>): string | undefined {
  const schemes: string[] = [];
  if (config.basicAuth) schemes.push('Basic realm="crmRestApi"');
  if (config.bearerTokens) schemes.push('Bearer realm="crmRestApi"');
  return schemes.length > 0 ? schemes.join(', ') : undefined;
}
