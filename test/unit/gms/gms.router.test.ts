import { GatewayError } from '../../../src/core/errors';
import type { InboundRequest, InboundRouter } from '../../../src/http/wire';
import { gmsInboundConfigSchema } from '../../../src/inbound/gms/gms.config';
import { gmsInbound } from '../../../src/inbound/gms/gms.router';
import { inboundRequest, recordingDeps } from '../../support/inbound';

function setup(config: unknown = {}, answer: unknown = { id: '01QG0Q2S5S50G000' }) {
  const { deps, seen } = recordingDeps(() => answer);
  return { router: gmsInbound.create(deps, gmsInboundConfigSchema.parse(config)), seen };
}

function request(params: Record<string, string>, body = '', headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }): InboundRequest {
  const receivedAt = new Date('2024-01-01T00:00:00Z');
  return inboundRequest('gms', { path: '/genesys/2/openmedia/x', params, headers, body, receivedAt, deadline: receivedAt.getTime() + 1000 });
}

const endpoint = (router: InboundRouter, path: string) => router.endpoints.find((e) => e.path === path)!;

describe('gms router', () => {
  it('serves the four operations under the GMS base path', () => {
    const { router } = setup();
    expect(router.basePath).toBe('/genesys/2/openmedia');
    expect(router.endpoints.map((e) => `${e.method} ${e.path}`)).toEqual([
      'POST /:service',
      'POST /:service/:id/get',
      'POST /:service/:id/update',
      'POST /:service/:id/stop',
    ]);
  });

  it('builds the command context: request id, gms_user passed through, Basic user as client', async () => {
    const { router, seen } = setup({ basicAuth: { users: { legacy: 'pw' } } });
    const req = request({ service: 'customer-support' }, 'externalId=xy932', {
      'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
      authorization: `Basic ${Buffer.from('legacy:pw').toString('base64')}`,
      gms_user: 'agent7',
    });
    const res = await endpoint(router, '/:service').handle(req);
    expect(res).toEqual({ status: 200, body: { statusCode: 0, interactionId: '01QG0Q2S5S50G000' } });
    expect(seen[0]?.context).toEqual({
      requestId: 'req-1',
      dialect: 'gms',
      client: 'legacy',
      gmsUser: 'agent7',
      receivedAt: req.receivedAt,
      deadline: req.deadline,
    });
    expect(req.facts).toMatchObject({ command: 'create', service: 'customer-support', client: 'legacy' });
  });

  it('checks credentials before reading the body', async () => {
    const { router, seen } = setup({ basicAuth: { users: { legacy: 'pw' } } });
    const req = request({ service: 's' }, '%ZZ', { 'content-type': 'text/plain' });
    await expect(endpoint(router, '/:service').handle(req)).rejects.toMatchObject({ code: 'unauthorized' });
    expect(seen).toHaveLength(0);
  });

  it('refuses a non-form body, accepts an empty one with any content type', async () => {
    const { router } = setup();
    await expect(endpoint(router, '/:service').handle(request({ service: 's' }, 'a=1', { 'content-type': 'application/json' }))).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(endpoint(router, '/:service').handle(request({ service: 's' }, 'a=1', {}))).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(endpoint(router, '/:service/:id/stop').handle(request({ service: 's', id: 'i' }, '', { 'content-type': 'text/plain' }))).resolves.toEqual({
      status: 200,
      body: { statusCode: 0 },
    });
  });

  it('refuses a body that is not UTF-8', async () => {
    const { router } = setup();
    const req = request({ service: 's' });
    req.body = Buffer.from([0x61, 0x3d, 0xff]);
    await expect(endpoint(router, '/:service').handle(req)).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('answers update and stop with statusCode 0, and renders errors with the path id', async () => {
    const { router, seen } = setup({}, undefined);
    expect(await endpoint(router, '/:service/:id/update').handle(request({ service: 's', id: 'i' }, 'delete[a]='))).toEqual({ status: 200, body: { statusCode: 0 } });
    expect(await endpoint(router, '/:service/:id/stop').handle(request({ service: 's', id: 'i' }, 'reason%3DR%26description%3DD'))).toEqual({
      status: 200,
      body: { statusCode: 0 },
    });
    expect(seen[1]).toMatchObject({ kind: 'stop', reasonSystemName: 'R', reasonDescription: 'D' });
    const rendered = router.renderError(new GatewayError('not_found', 'gone', { subject: 'interaction' }), request({ service: 's', id: 'abc' }));
    expect(rendered.body).toEqual({ statusCode: 2, errors: [{ code: 248, advice: 'Specified interaction Id[abc] was not found' }] });
  });
});
