import { call } from './http-call';

export const basic = (user: string, password = ''): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A Workspace v2 client acting as one agent (Basic auth), against the gateway at `base()`. */
export function workspaceAs(base: () => string, user: string, password = 'pw') {
  const auth = { authorization: basic(user, password) };
  const gw = () => ({ url: base() });
  return {
    /** POST /me/interactions/{id}: a JSON value, or raw text sent as is. */
    operate: (id: string, body: unknown, headers: Record<string, string> = {}) =>
      call(gw(), `/api/v2/me/interactions/${id}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: (id: string) => call(gw(), `/api/v2/interactions/${id}`, { headers: auth }),
    mine: (query = '') => call(gw(), `/api/v2/me/interactions${query}`, { headers: auth }),
    all: (query = '') => call(gw(), `/api/v2/interactions${query}`, { headers: auth }),
  };
}
