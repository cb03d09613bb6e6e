import { GatewayError } from '../../../src/core/errors';
import { parseOperation } from '../../../src/inbound/wwe/wwe.operations';
import { renderInteraction, renderWweError } from '../../../src/inbound/wwe/wwe.render';

const str = (key: string, value: string) => ({ key, type: 'str', value });

describe('Workspace operations → canonical', () => {
  it.each([
    [{ operationName: 'Accept' }, { kind: 'agent', operation: { op: 'accept' } }],
    [{ operationName: 'Reject' }, { kind: 'agent', operation: { op: 'reject' } }],
    [{ operationName: 'Cancel' }, { kind: 'agent', operation: { op: 'cancel' } }],
    [{ operationName: 'Complete' }, { kind: 'agent', operation: { op: 'complete' } }],
    [{ operationName: 'PlaceInQueue', queueName: 'q' }, { kind: 'agent', operation: { op: 'placeInQueue', queue: 'q' } }],
    [{ operationName: 'PlaceInWorkbin', workbin: 'w' }, { kind: 'agent', operation: { op: 'placeInWorkbin', workbin: 'w' } }],
    [{ operationName: 'GetWorkbinContent', workbin: 'w' }, { kind: 'workbinContent', workbin: 'w' }],
    [{ operationName: 'Transfer', userId: 'a2' }, { kind: 'agent', operation: { op: 'transfer', targetAgentId: 'a2' } }],
    [{ operationName: 'SingleStepTransfer', targetUri: 'http://h/api/v2/users/agent%202' }, { kind: 'agent', operation: { op: 'transfer', targetAgentId: 'agent 2' } }],
    [{ operationName: 'UpdateUserData', userData: { a: 'x' } }, { kind: 'update', change: { op: 'upsert', entries: [str('a', 'x')] } }],
    [{ operationName: 'AttachUserData', userData: { a: 'x' } }, { kind: 'update', change: { op: 'add', keepDuplicates: true, entries: [str('a', 'x')] } }],
    [{ operationName: 'DeleteUserData', userData: { a: 'ignored', b: 1 } }, { kind: 'update', change: { op: 'delete', keys: ['a', 'b'] } }],
    [{ operationName: 'DeleteUserData', keys: ['a'], userData: { b: 1 } }, { kind: 'update', change: { op: 'delete', keys: ['a'] } }],
  ])('%j', (body, expected) => {
    expect(parseOperation(body)).toEqual(expected);
  });

  it('a missing parameter is told apart from a wrong one', () => {
    const reasonOf = (body: unknown) => {
      try {
        parseOperation(body);
      } catch (err) {
        return (err as GatewayError).details.reason ?? 'invalid';
      }
      return 'ok';
    };
    expect(reasonOf(undefined)).toBe('missing');
    expect(reasonOf({ operationName: null })).toBe('missing');
    expect(reasonOf({ operationName: 'PlaceInQueue', queueName: '' })).toBe('missing');
    expect(reasonOf({ operationName: 'PlaceInQueue', queueName: 3 })).toBe('invalid');
    expect(reasonOf({ operationName: 'toString' })).toBe('invalid');
  });
});

describe('Workspace rendering', () => {
  it('shows the owner as ownerId and the last of duplicate keys', () => {
    const shown = renderInteraction({
      id: 'I1', service: 's', type: 'Inbound', subtype: 'InboundNew', mediaType: 'workitem', state: 'handling', queue: 'q', agentId: 'a1',
      receivedAt: '2026-01-01T00:00:00.000Z', submittedAt: '2026-01-01T00:00:00.000Z', userData: [str('k', '1'), str('k', '2')] as never,
    });
    expect(shown).toEqual({ id: 'I1', mediaType: 'workitem', type: 'Inbound', subtype: 'InboundNew', state: 'handling', queue: 'q', ownerId: 'a1', receivedAt: '2026-01-01T00:00:00.000Z', userData: { k: '2' } });
  });

  it.each([
    [new GatewayError('not_found', 'x', { ref: 'I1' }), 200, 6],
    [new GatewayError('not_found', 'x', { subject: 'service', ref: 's' }), 200, 6],
    [new GatewayError('forbidden', 'x'), 200, 6],
    [new GatewayError('conflict', 'x'), 200, 2],
    [new GatewayError('conflict', 'x', { reason: 'in_progress' }), 200, 4],
    [new GatewayError('invalid_request', 'x', { reason: 'idempotency_key_reused' }), 200, 10],
    [new GatewayError('unsupported', 'x'), 200, 3],
    [new GatewayError('already_exists', 'x'), 200, 18],
    [new GatewayError('invalid_request', 'x'), 200, 10],
    [new GatewayError('invalid_request', 'x', { reason: 'missing' }), 200, 1],
    [new GatewayError('invalid_request', 'x', { reason: 'too_large' }), 413, 10],
    [new GatewayError('upstream_unavailable', 'x'), 200, 4],
    [new GatewayError('upstream_timeout', 'x'), 200, 4],
    [new GatewayError('rate_limited', 'x'), 200, 4],
    [new GatewayError('internal', 'secret detail'), 200, 4],
    [new GatewayError('unauthorized', 'x'), 401, 20],
  ])('%s → HTTP %i statusCode %i', (err, status, statusCode) => {
    const res = renderWweError(err);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ statusCode, statusMessage: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });
});
