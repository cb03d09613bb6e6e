import type { IncomingHttpHeaders } from 'node:http';

/**
 * RFC 9110 §7.2 Host: a DNS name or IPv4 address, or a bracketed IPv6 literal, and an optional port (at most
 * 65535). Nothing else (userinfo, a path, a query, spaces, percent-encoding, a port no URL can hold) may reach a URL
 * the gateway hands out: one check for every dialect that builds its links from the Host header.
 */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]{2,45}\])(?::(\d{1,5}))?$/i;

/** The Host header, lower-cased, when it is a plain host[:port]; otherwise undefined. */
export function plainHost(header: string | undefined): string | undefined {
  if (header === undefined || header.length > 260) return undefined;
  const m = HOST.exec(header);
  if (!m || (m[1] !== undefined && Number(m[1]) > 65535)) return undefined;
  return header.toLowerCase();
}

/** `http(s)://host[:port]` the caller reached (https when a proxy says so), or undefined for a Host unfit for a URL. */
export function requestOrigin(headers: IncomingHttpHeaders): string | undefined {
  const host = plainHost(headers.host);
  if (host === undefined) return undefined;
  return `${headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'}://${host}`;
}
