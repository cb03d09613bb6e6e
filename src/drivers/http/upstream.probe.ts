import type { DriverHealth } from '../../core/driver';
import type { UpstreamClient } from './upstream';

/** A readiness probe answers fast or not at all: a load balancer polls it every few seconds. */
const PROBE_TIMEOUT_MS = 2000;

/**
 * A backend's health for /readyz: its breaker (calls failing lately), then one GET of the API's root (`path` below
 * the baseUrl). An upstream that answers 404 there in a body that is not the API's own error form is not the API the
 * baseUrl meant (a wrong path, a proxy's page): every call would fail, so the backend is not ready and says why. A
 * probe that gets no answer says nothing new: whether the upstream is down is the breaker's to judge.
 */
export async function probeApiRoot(client: UpstreamClient, path: string, speaksApi: (body: unknown) => boolean): Promise<DriverHealth> {
  const state = client.breakerState();
  if (state !== 'closed') return { ok: false, detail: `circuit breaker ${state}` };
  const res = await client.probe(path, PROBE_TIMEOUT_MS);
  if (res?.status === 404 && !speaksApi(parsed(res.body))) {
    return { ok: false, detail: `upstream answers 404 for the API root (GET ${path || '/'} below baseUrl): check the backend's baseUrl` };
  }
  return { ok: true };
}

function parsed(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
