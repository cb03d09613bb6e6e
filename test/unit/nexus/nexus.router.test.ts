import { GatewayError } from '../../../src/core/errors';
import type { InboundRequest, InboundRouter } from '../../../src/http/wire';
import { nexusInbound } from '../../../src/inbound/nexus/nexus.router';
import { inboundRequest, recordingDeps } from '../../support/inbound';

function setup(config: Parameters<typeof nexusInbound.create>[1] = { enabled: true }) {
  const { deps, seen } = recordingDeps((command) => (command.kind === 'create' ? { id: 'I1', externalId: command.externalId } : undefined));
  const router = nexusInbound.create(deps, config);
  return { router, seen };
}

function request(params: Record<string, string>, headers: Record<string, string>, body = ''): InboundRequest {
  return inboundRequest('nexus', { path: '/x', params, headers, body, receivedAt: new Date('2024-05-01T10:00:00Z'), deadline: 123 });
}

const endpoint = (router: InboundRouter, method: string, path: string) => router.endpoints.find((e) => e.method === method && e.path === path)!;
const CREATE = '/:service/interactions';
const json = { 'content-type': 'application/json', 'x-api-key': 'k1' };

async function failure(router: InboundRouter, path: string, req: InboundRequest) {
  try {
    await endpoint(router, 'POST', path).handle(req);
  } catch (err) {
    return router.renderError(err as GatewayError, req);
  }
  throw new Error('expected a failure');
}

describe('nexus router', () => {
  it('serves the four endpoints under /nexus/v3/openmedia', () => {
    const { router } = setup();
    expect(router.basePath).toBe('/nexus/v3/openmedia');
    expect(router.endpoints.map((e) => `${e.method} ${e.path}`)).toEqual([
      'POST /:service/interactions',
      'GET /:service/interactions/:id',
      'POST /:service/interactions/:id/update',
      'POST /:service/interactions/:id/stop',
    ]);
  });

  it('builds the command context and the request facts', async () => {
    const { router, seen } = setup({ enabled: true, apiKeys: { k1: { services: ['*'] } } });
    const req = request({ service: 'chat' }, { ...json, 'x-b3-traceid': '0123456789abcdef', 'idempotency-key': 'idem-1' }, '{"externalId":"E"}');
    const response = await endpoint(router, 'POST', CREATE).handle(req);
    expect(response).toEqual({ status: 200, body: { status: { code: 0 }, data: { id: 'I1', externalId: 'E' } } });
    expect(seen[0]!.context).toEqual({
      requestId: 'req-1',
      dialect: 'nexus',
      client: 'key#0',
      traceId: '0123456789abcdef',
      idempotencyKey: 'idem-1',
      receivedAt: req.receivedAt,
      deadline: 123,
    });
    expect(req.facts).toEqual({ dialect: 'nexus', command: 'create', service: 'chat', client: 'key#0' });
    expect(req.responseHeaders['x-b3-traceid']).toBe('0123456789abcdef');
  });

  it('replaces a trace id that is not 16 or 32 hex characters, also on errors', async () => {
    const { router } = setup();
    const req = request({ service: 'chat' }, { 'x-b3-traceid': 'not-a-trace' });
    const response = await failure(router, CREATE, req);
    expect(response.status).toBe(401);
    expect(req.responseHeaders['x-b3-traceid']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('treats an empty create body as {} and rejects a non-JSON body', async () => {
    const { router, seen } = setup();
    await endpoint(router, 'POST', CREATE).handle(request({ service: 'chat' }, { 'x-api-key': 'k' }));
    expect(seen[0]).toMatchObject({ kind: 'create', userData: [] });
    const response = await failure(router, CREATE, request({ service: 'chat' }, { 'x-api-key': 'k', 'content-type': 'text/plain' }, '{}'));
    expect(response.status).toBe(400);
  });

  it('rejects an empty update but accepts an empty stop', async () => {
    const { router, seen } = setup();
    const update = await failure(router, '/:service/interactions/:id/update', request({ service: 's', id: 'I1' }, { 'x-api-key': 'k' }));
    expect(update.status).toBe(400);
    const stop = await endpoint(router, 'POST', '/:service/interactions/:id/stop').handle(request({ service: 's', id: 'ext_E' }, { 'x-api-key': 'k' }));
    expect(stop).toEqual({ status: 200, body: { status: { code: 0 } } });
    expect(seen).toEqual([expect.objectContaining({ kind: 'stop', ref: { by: 'externalId', value: 'E' } })]);
  });

  it('checks the key before reading the body', async () => {
    const { router } = setup({ enabled: true, apiKeys: { k1: { services: ['customer-*'] } } });
    expect((await failure(router, CREATE, request({ service: 'sales' }, json, 'not json'))).status).toBe(403);
    expect((await failure(router, CREATE, request({ service: 'customer-a' }, { ...json, 'x-api-key': 'nope' }, 'not json'))).status).toBe(401);
    expect((await failure(router, CREATE, request({ service: 'customer-a' }, json, 'not json'))).status).toBe(400);
  });
});
