import type { CommandContext } from '../../../src/core/command';
import { GatewayError, type ErrorCode } from '../../../src/core/errors';
import type { Interaction } from '../../../src/core/interaction';
import {
  refFromPathId,
  renderCreated,
  renderError,
  renderInteraction,
  renderOk,
  toCreateCommand,
  toGetCommand,
  toStopCommand,
  toUpdateCommand,
} from '../../../src/inbound/nexus/nexus.mapper';

const context: CommandContext = { requestId: 'r1', dialect: 'nexus', receivedAt: new Date('2024-05-01T10:00:00Z') };

function invalidOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe('invalid_request');
    return err as GatewayError;
  }
  throw new Error('expected invalid_request');
}

describe('nexus path ids', () => {
  it('reads an id, or an externalId after ext_', () => {
    expect(refFromPathId('00A1B2C3D4E5F6G7')).toEqual({ by: 'id', value: '00A1B2C3D4E5F6G7' });
    expect(refFromPathId('ext_xy932')).toEqual({ by: 'externalId', value: 'xy932' });
    expect(refFromPathId('ext_ext_1')).toEqual({ by: 'externalId', value: 'ext_1' });
  });

  it.each(['ext_', 'ext_.', 'ext_..'])('rejects %s', (id) => {
    expect(invalidOf(() => refFromPathId(id)).details.field).toBe('externalId');
  });
});

describe('nexus create', () => {
  const body = {
    externalId: 'xy932',
    parentInteractionId: 'P1',
    receivedAt: '2024-05-01T12:00:00+02:00',
    userData: { OrderNumber: 'ABC123', Count: 3, Vip: true, Ratio: 1.5, Address: { City: 'Paris' } },
  };

  it('maps a flat body', () => {
    expect(toCreateCommand(body, 'chat', context)).toEqual({
      kind: 'create',
      service: 'chat',
      context,
      externalId: 'xy932',
      parentInteractionId: 'P1',
      receivedAt: '2024-05-01T10:00:00.000Z',
      userData: [
        { key: 'OrderNumber', type: 'str', value: 'ABC123' },
        { key: 'Count', type: 'int', value: 3 },
        { key: 'Vip', type: 'str', value: 'true' },
        { key: 'Ratio', type: 'str', value: '1.5' },
        { key: 'Address', type: 'kvlist', value: [{ key: 'City', type: 'str', value: 'Paris' }] },
      ],
      extra: {},
    });
  });

  it('maps the same body wrapped in data', () => {
    expect(toCreateCommand({ data: body }, 'chat', context)).toEqual(toCreateCommand(body, 'chat', context));
  });

  it('accepts an empty body, ignores unknown fields and treats null as absent', () => {
    const cmd = toCreateCommand({ foo: 1, externalId: null, userData: null }, 'chat', context);
    expect(cmd.externalId).toBeUndefined();
    expect(cmd.userData).toEqual([]);
    expect(toCreateCommand({}, 'chat', context).userData).toEqual([]);
  });

  it.each([
    [{ externalId: 5 }, 'externalId'],
    [{ externalId: '' }, 'externalId'],
    [{ receivedAt: 'yesterday' }, 'receivedAt'],
    [{ userData: 'x' }, 'userData'],
    [{ userData: [1] }, 'userData'],
    [{ data: { parentInteractionId: {} } }, 'data.parentInteractionId'],
    [{ data: 'x' }, 'data'],
  ])('rejects wrong types naming the field: %j', (bad, field) => {
    const err = invalidOf(() => toCreateCommand(bad, 'chat', context));
    expect(err.details.field).toBe(field);
    expect(err.message).toContain(field);
  });

  it.each([[null], [[]], ['text'], [3]])('rejects a body that is not an object: %j', (bad) => {
    invalidOf(() => toCreateCommand(bad, 'chat', context));
  });

  it('rejects null and array user-data values naming the key', () => {
    expect(invalidOf(() => toCreateCommand({ userData: { Order: null } }, 'chat', context)).message).toContain('Order');
    expect(invalidOf(() => toCreateCommand({ userData: { List: [1] } }, 'chat', context)).message).toContain('List');
  });

  it('rejects prototype keys without polluting anything', () => {
    const parsed = JSON.parse('{"userData":{"__proto__":{"x":1}}}');
    expect(invalidOf(() => toCreateCommand(parsed, 'chat', context)).message).toContain('__proto__');
    invalidOf(() => toCreateCommand({ userData: { a: { constructor: 'x' } } }, 'chat', context));
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('nexus get, update, stop', () => {
  it('gets by id or externalId', () => {
    expect(toGetCommand('chat', 'ext_A', context)).toEqual({ kind: 'get', service: 'chat', context, ref: { by: 'externalId', value: 'A' } });
  });

  it('maps changed/added/deleted to replace/add/delete', () => {
    const body = { changedProperties: { A: 'x' }, addedProperties: { B: 2 }, deletedProperties: ['C'] };
    const expected = [
      { op: 'replace', entries: [{ key: 'A', type: 'str', value: 'x' }] },
      { op: 'add', entries: [{ key: 'B', type: 'int', value: 2 }] },
      { op: 'delete', keys: ['C'] },
    ];
    expect(toUpdateCommand(body, 'chat', 'I1', context)).toEqual({
      kind: 'update',
      service: 'chat',
      context,
      ref: { by: 'id', value: 'I1' },
      changes: expected,
    });
    expect(toUpdateCommand({ data: body }, 'chat', 'ext_E', context).changes).toEqual(expected);
  });

  it('keeps only the non-empty parts', () => {
    expect(toUpdateCommand({ changedProperties: {}, deletedProperties: ['K'] }, 's', 'I', context).changes).toEqual([{ op: 'delete', keys: ['K'] }]);
  });

  it.each([[{}], [{ changedProperties: {}, addedProperties: {}, deletedProperties: [] }], [{ data: {} }]])('rejects an update with no change: %j', (body) => {
    invalidOf(() => toUpdateCommand(body, 's', 'I', context));
  });

  it('rejects wrong types in an update', () => {
    expect(invalidOf(() => toUpdateCommand({ deletedProperties: ['a', 2] }, 's', 'I', context)).details.field).toBe('deletedProperties.1');
    expect(invalidOf(() => toUpdateCommand({ deletedProperties: 'a' }, 's', 'I', context)).details.field).toBe('deletedProperties');
    expect(invalidOf(() => toUpdateCommand({ addedProperties: { k: null } }, 's', 'I', context)).message).toContain('k');
    invalidOf(() => toUpdateCommand({ deletedProperties: ['__proto__'] }, 's', 'I', context));
  });

  it('maps a stop, flat or wrapped, with or without reasons', () => {
    const body = { reasonSystemName: 'Done', reasonDescription: 'Order complete' };
    const expected = { kind: 'stop', service: 's', context, ref: { by: 'externalId', value: 'E' }, reasonSystemName: 'Done', reasonDescription: 'Order complete' };
    expect(toStopCommand(body, 's', 'ext_E', context)).toEqual(expected);
    expect(toStopCommand({ data: body }, 's', 'ext_E', context)).toEqual(expected);
    expect(toStopCommand({}, 's', 'I', context)).toEqual({ kind: 'stop', service: 's', context, ref: { by: 'id', value: 'I' } });
    expect(invalidOf(() => toStopCommand({ reasonDescription: 1 }, 's', 'I', context)).details.field).toBe('reasonDescription');
  });
});

describe('nexus rendering', () => {
  it('renders a create, with the externalId only when given', () => {
    expect(renderCreated({ id: 'I1' })).toEqual({ status: { code: 0 }, data: { id: 'I1' } });
    expect(renderCreated({ id: 'I1', externalId: 'E' })).toEqual({ status: { code: 0 }, data: { id: 'I1', externalId: 'E' } });
    expect(renderOk()).toEqual({ status: { code: 0 } });
  });

  it('renders an interaction with userData as an object, last duplicate winning, undefined fields omitted', () => {
    const interaction: Interaction = {
      id: 'I1',
      service: 'chat',
      type: 'Inbound',
      subtype: 'InboundNew',
      mediaType: 'workitem',
      state: 'stopped',
      queue: 'q',
      agentId: 'agent1',
      receivedAt: '2024-05-01T10:00:00.000Z',
      submittedAt: '2024-05-01T10:00:01.000Z',
      stoppedAt: '2024-05-01T10:05:00.000Z',
      stopReason: { systemName: 'Done' },
      userData: [
        { key: 'A', type: 'str', value: 'first' },
        { key: 'N', type: 'int', value: 7 },
        { key: 'A', type: 'str', value: 'last' },
        { key: 'K', type: 'kvlist', value: [{ key: 'x', type: 'str', value: 'y' }] },
      ],
    };
    const rendered = JSON.parse(JSON.stringify(renderInteraction(interaction)));
    expect(rendered).toEqual({
      status: { code: 0 },
      data: {
        id: 'I1',
        service: 'chat',
        type: 'Inbound',
        subtype: 'InboundNew',
        mediaType: 'workitem',
        state: 'stopped',
        queue: 'q',
        receivedAt: '2024-05-01T10:00:00.000Z',
        submittedAt: '2024-05-01T10:00:01.000Z',
        stoppedAt: '2024-05-01T10:05:00.000Z',
        stopReason: { systemName: 'Done' },
        userData: { A: 'last', N: 7, K: { x: 'y' } },
      },
    });
    expect(Object.keys(rendered.data)).not.toContain('externalId');
  });

  const cases: [ErrorCode, number][] = [
    ['invalid_request', 400],
    ['unauthorized', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['already_exists', 409],
    ['conflict', 409],
    ['unsupported', 501],
    ['rate_limited', 429],
    ['upstream_unavailable', 503],
    ['upstream_timeout', 504],
    ['upstream_rejected', 502],
  ];
  it.each(cases)('renders %s as HTTP %i with the same code in the body', (code, status) => {
    const response = renderError(new GatewayError(code, 'Something safe'));
    expect(response).toEqual({ status, body: { status: { code: status, message: 'Something safe' } } });
  });

  it('renders an unrouted service as 404', () => {
    const err = new GatewayError('not_found', 'Service x is not configured', { subject: 'service', ref: 'x' });
    expect(renderError(err).status).toBe(404);
  });

  it('answers 413 and 405 for the invalid requests that name them', () => {
    expect(renderError(new GatewayError('invalid_request', 'Too big', { reason: 'too_large' }))).toEqual({
      status: 413,
      body: { status: { code: 413, message: 'Too big' } },
    });
    expect(renderError(new GatewayError('invalid_request', 'No', { reason: 'method_not_allowed' })).status).toBe(405);
  });

  it('adds Retry-After when the upstream said when', () => {
    expect(renderError(new GatewayError('upstream_unavailable', 'Down', { retryAfterSeconds: 2.5 })).headers).toEqual({ 'retry-after': '3' });
    expect(renderError(new GatewayError('upstream_unavailable', 'Down')).headers).toBeUndefined();
  });

  it('never shows what an internal error holds', () => {
    const err = new GatewayError('internal', 'db password wrong at /srv/x.ts:12', { upstreamStatus: 500 });
    expect(renderError(err)).toEqual({ status: 500, body: { status: { code: 500, message: 'Internal error' } } });
  });
});
