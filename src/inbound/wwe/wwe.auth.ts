import { GatewayError } from '../../core/errors';
import { compilePattern, compilePatterns, isPattern, type NameMatcher } from '../../core/pattern';
import { parseBasicAuth } from '../../http/basic-auth';
import { createBasicVerifier, type Client } from '../../http/credentials';
import type { WweInboundConfig } from './wwe.config';

/** The Workspace agent a request acts as: the Basic-auth user, and the services it may see. */
export interface Agent {
  id: string;
  /** Service patterns of the credential's scope (DESIGN §6), `*` for every service: what lists walk. */
  scope: string[];
  sees: NameMatcher;
  /** The configured credential, for the gateway's own scope check; undefined in the sandbox. */
  client?: Client;
}

export type AgentCheck = (authorization: string | undefined) => Agent;

const EVERY_SERVICE = ['*'];
const everyService: NameMatcher = compilePattern('*');

/**
 * The agent is the Basic-auth user (DESIGN §4 wwe). With `users` configured the password must match (the shared
 * constant-time verifier); without, the sandbox takes any non-empty user name at its word. Either way a request
 * with no usable credential is unauthorized (Workspace statusCode 20).
 */
export function createAgentCheck(users: WweInboundConfig['users']): AgentCheck {
  if (users === undefined) {
    return (authorization) => {
      const creds = parseBasicAuth(authorization);
      if (!creds || creds.user === '') throw notAuthenticated();
      return { id: creds.user, scope: EVERY_SERVICE, sees: everyService };
    };
  }
  const verify = createBasicVerifier('wwe', users);
  return (authorization) => {
    const client = verify(authorization);
    const user = client === undefined ? undefined : users[client.label];
    if (!client || !user) throw notAuthenticated();
    return { id: client.label, scope: user.services, sees: seenThrough(user.services, client.allows), client };
  };
}

/**
 * A backend with no services of its own (Workspace) lists under the pattern it was asked for, and the id index
 * keeps that label: such an interaction may be of any service the pattern covers, so only an agent who sees every
 * service sees it. A literal match of the pattern against the agent's own (`sales-*` against `sales-*`) would show
 * a scoped agent everything behind a catch-all route.
 */
function seenThrough(scope: string[], allows: NameMatcher): NameMatcher {
  const seesAll = scope.includes('*');
  return (service) => (isPattern(service) ? seesAll : allows(service));
}

/** Whether `agentId` is an agent who may hold an interaction of `service`. */
export type AgentDirectory = (agentId: string, service: string) => boolean;

/**
 * The agents a Transfer may name. With `users` configured, only those, and only for a service they may see: an
 * interaction handed to anyone else would be owned by someone who can never act on it. The sandbox knows no list
 * of agents, so any name is one.
 */
export function createAgentDirectory(users: WweInboundConfig['users']): AgentDirectory {
  if (users === undefined) return () => true;
  const agents = new Map(Object.entries(users).map(([name, user]) => [name, seenThrough(user.services, compilePatterns(user.services))]));
  return (agentId, service) => agents.get(agentId)?.(service) ?? false;
}

const notAuthenticated = (): GatewayError => new GatewayError('unauthorized', 'User is not authenticated');
