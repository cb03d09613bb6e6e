import { invalid } from '../../core/errors';
import { plainHost } from '../../http/host';

/**
 * The base of the URLs the gateway answers with (VSP InteractionUrl). A configured public base URL wins: behind a
 * proxy or TLS terminator only the operator knows it. Without one, the request's Host header is used over http,
 * but only when it is a plain host[:port]; a hostile Host (another origin's path, a script, a header injection) is
 * refused with 400 before anything is created.
 */
export function gatewayBaseUrl(publicBaseUrl: string | undefined, hostHeader: string | undefined): string {
  if (publicBaseUrl !== undefined) return publicBaseUrl.replace(/\/+$/, '');
  const host = plainHost(hostHeader);
  if (host === undefined) throw invalid('The request is invalid: the Host header is not a valid host name.', 'Host');
  return `http://${host}`;
}
