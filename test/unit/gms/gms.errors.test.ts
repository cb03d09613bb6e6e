import { ERROR_CODES, GatewayError, toGatewayError, type ErrorCode } from '../../../src/core/errors';
import { renderGmsError } from '../../../src/inbound/gms/gms.mapper';

const failure = (code: number, advice: string) => ({ statusCode: 2, errors: [{ code, advice }] });

describe('renderGmsError (DESIGN §4 gms)', () => {
  it('not found interaction → 200, code 248, echoing the ref', () => {
    const err = new GatewayError('not_found', 'x', { subject: 'interaction', ref: '01QG0Q2S5S50G000' });
    expect(renderGmsError(err)).toEqual({ status: 200, body: failure(248, 'Specified interaction Id[01QG0Q2S5S50G000] was not found') });
  });

  it('falls back to the id in the path when the error carries no ref', () => {
    const err = new GatewayError('not_found', 'x', { subject: 'interaction' });
    expect(renderGmsError(err, 'xy932').body).toEqual(failure(248, 'Specified interaction Id[xy932] was not found'));
  });

  it('no id at all (unknown path) → HTTP 404, code 200', () => {
    expect(renderGmsError(new GatewayError('not_found', 'No such resource: /a', { subject: 'interaction' }))).toEqual({
      status: 404,
      body: failure(200, 'No such resource: /a'),
    });
  });

  it('unrouted service → HTTP 404, code 252', () => {
    const err = new GatewayError('not_found', 'Service s is not configured', { subject: 'service', ref: 's' });
    expect(renderGmsError(err, 'id')).toEqual({ status: 404, body: failure(252, 'Service s is not configured') });
  });

  it.each([
    ['already_exists', 250],
    ['unsupported', 251],
    ['conflict', 253],
    ['upstream_rejected', 254],
  ] as [ErrorCode, number][])('%s → 200, code %i, with the safe message', (code, gmsCode) => {
    expect(renderGmsError(new GatewayError(code, 'why'))).toEqual({ status: 200, body: failure(gmsCode, 'why') });
  });

  it('invalid_request → 400 code 200, or the status the error asks for (413, 405)', () => {
    expect(renderGmsError(new GatewayError('invalid_request', 'Parameter "x" bad', { field: 'x' }))).toEqual({
      status: 400,
      body: failure(200, 'Parameter "x" bad'),
    });
    expect(renderGmsError(new GatewayError('invalid_request', 'too big', { reason: 'too_large' })).status).toBe(413);
    expect(renderGmsError(new GatewayError('invalid_request', 'no', { reason: 'method_not_allowed' }))).toEqual({ status: 405, body: failure(200, 'no') });
    expect(renderGmsError(new GatewayError('invalid_request', 'odd')).status).toBe(400);
  });

  it.each(['upstream_unavailable', 'upstream_timeout', 'rate_limited'] as ErrorCode[])('%s → 200 {"statusCode":1} ("Try again")', (code) => {
    expect(renderGmsError(new GatewayError(code, 'down', { upstreamStatus: 503 }))).toEqual({ status: 200, body: { statusCode: 1 } });
  });

  it('unauthorized → 401 with a Basic challenge; forbidden → 403', () => {
    expect(renderGmsError(new GatewayError('unauthorized', 'Authentication required'))).toEqual({
      status: 401,
      headers: { 'WWW-Authenticate': 'Basic realm="gms"' },
      body: failure(401, 'Authentication required'),
    });
    expect(renderGmsError(new GatewayError('forbidden', 'Not allowed'))).toEqual({ status: 403, body: failure(403, 'Not allowed') });
  });

  it('internal → 500 with nothing of the cause', () => {
    const rendered = renderGmsError(toGatewayError(new Error('secret stack at /srv/app.js')));
    expect(rendered).toEqual({ status: 500, body: failure(500, 'Internal error') });
    expect(JSON.stringify(rendered)).not.toMatch(/secret/);
  });

  it('answers every error code with a GMS statusCode', () => {
    for (const code of ERROR_CODES) {
      const body = renderGmsError(new GatewayError(code, 'm'), 'id').body as { statusCode: number };
      expect([1, 2]).toContain(body.statusCode);
    }
  });
});
