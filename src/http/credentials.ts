import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Command } from '../core/command';
import { GatewayError, interactionNotFound } from '../core/errors';
import { compilePatterns, type NameMatcher } from '../core/pattern';
import { digest, parseBasicAuth } from './basic-auth';
import { rateLimitSchema, type RateLimitSpec } from './rate-limit.config';
import type { InboundRequest } from './wire';

/**
 * Every credential of every dialect carries a service scope (DESIGN §6): the services it may reach, as patterns
 * (`*` any run of characters), and optionally its own rate limit in place of `server.rateLimit`.
 */
const scopeFields = {
  services: z.array(z.string().min(1)).min(1).default(['*']),
  rateLimit: rateLimitSchema.optional(),
};

/** Nexus `apiKeys.<key>`, and any other secret that is the whole credential. */
export const scopeSchema = z.object(scopeFields).strict();
export type CredentialScope = z.infer<typeof scopeSchema>;

/** Basic users: `users.<name>: "<password>" | { password, services, rateLimit }`; the short form reaches every service. */
export const basicUsersSchema = z.record(
  z.string(),
  z.preprocess((v) => (typeof v === 'string' ? { password: v } : v), z.object({ password: z.string(), ...scopeFields }).strict()),
);
export type BasicUsers = z.infer<typeof basicUsersSchema>;

/** Bearer tokens: `"<token>"` (every service) or `{ token, services, rateLimit }`. */
export const bearerTokensSchema = z.array(
  z.preprocess((v) => (typeof v === 'string' ? { token: v } : v), z.object({ token: z.string().min(1), ...scopeFields }).strict()),
);
export type BearerTokens = z.infer<typeof bearerTokensSchema>;

/** Access keys carried in a body (VSP AppAccessKey): `"<key>"` (every service) or `{ key, services, rateLimit }`. */
export const accessKeysSchema = z.array(
  z.preprocess((v) => (typeof v === 'string' ? { key: v } : v), z.object({ key: z.string().min(1), ...scopeFields }).strict()),
);
export type AccessKeys = z.infer<typeof accessKeysSchema>;

/** An authenticated client: a label safe to log, what it may reach, and its own rate limit if it has one. */
export interface Client {
  /** The user name or `key#<n>`: never the secret. */
  label: string;
  /** Dialect and label: tells apart a GMS user and a Workspace user of one name (rate-limit buckets). */
  key: string;
  allows: NameMatcher;
  rateLimit?: RateLimitSpec;
}

function clientOf(dialect: string, label: string, scope: CredentialScope): Client {
  const allows = compilePatterns(scope.services);
  return { label, key: `${dialect}:${label}`, allows, ...(scope.rateLimit && { rateLimit: scope.rateLimit }) };
}

/**
 * Checks an Authorization header against the configured Basic users. Every configured pair is compared on every
 * call, as SHA-256 digests with timingSafeEqual, so the timing tells neither whether a user exists nor how much of
 * a password matched.
 */
export function createBasicVerifier(dialect: string, users: BasicUsers): (authorization: string | undefined) => Client | undefined {
  const table = Object.entries(users).map(([user, { password, ...scope }]) => ({
    userHash: digest(user),
    passwordHash: digest(password),
    client: clientOf(dialect, user, scope),
  }));
  return (authorization) => {
    const creds = parseBasicAuth(authorization);
    if (!creds) return undefined;
    const userHash = digest(creds.user);
    const passwordHash = digest(creds.password);
    let found: Client | undefined;
    for (const entry of table) {
      const userOk = timingSafeEqual(userHash, entry.userHash);
      const passwordOk = timingSafeEqual(passwordHash, entry.passwordHash);
      if (userOk && passwordOk) found = entry.client;
    }
    return found;
  };
}

/**
 * Checks a secret that is the whole credential (an API key, a bearer token, an access key) against every
 * configured one, in constant time. Clients are labelled `<noun>#<n>` in configuration order.
 */
export function createSecretVerifier(dialect: string, noun: string, secrets: Record<string, CredentialScope>): (presented: string) => Client | undefined {
  const table = Object.entries(secrets).map(([secret, scope], index) => ({ digest: digest(secret), client: clientOf(dialect, `${noun}#${index}`, scope) }));
  return (presented) => {
    const presentedDigest = digest(presented);
    let found: Client | undefined;
    for (const entry of table) if (timingSafeEqual(entry.digest, presentedDigest) && !found) found = entry.client;
    return found;
  };
}

/** Records who the request comes from: the client's scope and limit for the gateway, its label for the log line. */
export function authenticated(req: InboundRequest, client: Client): string {
  req.client = client;
  req.facts.client = client.label;
  return client.label;
}

/**
 * The client's service scope, applied to every command of every dialect (DESIGN §6), so no dialect is a side door
 * into another tenant's data. A command naming an interaction outside the scope answers not found, never
 * forbidden, so ids cannot be probed; one naming only a service (create, list) is forbidden.
 */
export function assertInScope(command: Command, client: Client): void {
  if (client.allows(command.service)) return;
  if ('ref' in command) throw interactionNotFound(command.ref);
  throw new GatewayError('forbidden', `Not allowed for service ${command.service}`);
}
