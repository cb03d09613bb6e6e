import { invalid } from '../../core/errors';

/**
 * RFC 9110 §7.2 Host: a DNS name or IPv4 address, or a bracketed IPv6 literal, and an optional port. Nothing else
 * (no userinfo, path, query, spaces or percent-encoding) may reach a URL the gateway hands out.
 */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]{2,45}\])(?::(\d{1,5}))?$/i;

/**
 * The base of the URLs the gateway answers with (VSP InteractionUrl). A configured public base URL wins: behind a
 * proxy or TLS terminator only the operator knows it. Without one, the request's Host header is used over http,
 * but only when it is a plain host[:port]; a hostile Host (another origin's path, a script, a header injection) is
 * refused with 400 before anything is created.
 */
export function gatewayBaseUrl(publicBaseUrl: string | undefined, hostHeader: string | undefined): string {
  if (publicBaseUrl !== undefined) return publicBaseUrl.replace(/\/+$/, '');
  const host = hostHeader ?? '';
  const m = host.length <= 260 ? HOST.exec(host) : null;
  if (!m || (m[1] !== undefined && Number(m[1]) > 65535)) throw invalid('The request is invalid: the Host header is not a valid host name.', 'Host');
  return `http://${host.toLowerCase()}`;
}
