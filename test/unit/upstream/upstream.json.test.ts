import { GatewayError } from '../../../src/core/errors';
import { parseJsonBody } from '../../../src/drivers/http/upstream.json';
import { answer, harness } from './harness';

const h = harness();

describe('parseJsonBody', () => {
  it('reads a JSON answer', async () => {
    const server = await h.server(answer(200, '{"id":"I1"}'));
    const res = await h.client(server.url).request({ method: 'GET', path: '/', idempotent: true });
    expect(parseJsonBody(res, 'sim')).toEqual({ id: 'I1' });
  });

  it('turns a garbage answer into upstream_rejected without quoting it', async () => {
    const server = await h.server(answer(200, '<html>proxy error for alice@example.com</html>'));
    const res = await h.client(server.url).request({ method: 'GET', path: '/', idempotent: true });
    let thrown: unknown;
    try {
      parseJsonBody(res, 'sim');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    expect(thrown).toMatchObject({ code: 'upstream_rejected', message: 'Backend sim answered with an unreadable body', details: { upstreamStatus: 200 } });
    expect(JSON.stringify(thrown) + String((thrown as Error).cause)).not.toContain('alice');
  });

  it('parses an answer once however often it is read: a driver judges it, then maps it', () => {
    const res = { status: 200, headers: {}, body: '{"id":"I1"}' };
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const first = parseJsonBody(res, 'sim');
      expect(parseJsonBody(res, 'sim')).toBe(first);
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('treats an empty body as unreadable', () => {
    expect(() => parseJsonBody({ status: 200, headers: {}, body: '' }, 'sim')).toThrow(GatewayError);
  });
});
