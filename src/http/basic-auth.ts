import { createHash, timingSafeEqual } from 'node:crypto';

export interface BasicCredentials {
  user: string;
  password: string;
}

const BASIC = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i;

/** RFC 7617: `Basic base64(user ":" password)`; a user name cannot hold ':', so the first one splits. */
export function parseBasicAuth(header: string | undefined): BasicCredentials | undefined {
  if (header === undefined) return undefined;
  const m = BASIC.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** SHA-256 of a secret: the form in which credentials are kept and compared. */
export const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Hashing first gives both sides one length, so the comparison never throws and leaks no length. */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The `WWW-Authenticate` value a 401 carries. */
export const basicChallenge = (realm: string): string => `Basic realm="${realm}"`;
