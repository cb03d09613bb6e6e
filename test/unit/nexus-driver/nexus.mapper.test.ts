import type { CommandContext, CreateCommand, GetCommand, InteractionRef, StopCommand, UpdateCommand, UserDataChange } from '../../../src/core/command';
import { GatewayError, type ErrorCode } from '../../../src/core/errors';
import type { UpstreamRequest } from '../../../src/drivers/http/upstream';
import { errorFromStatus } from '../../../src/drivers/nexus/nexus.failure';
import {
  fromCreatedAnswer,
  fromInteractionAnswer,
  interactionPath,
  needsLookup,
  toCreateRequest,
  toGetRequest,
  toStopRequest,
  toUpdateRequest,
  NexusUpstreamRequest,
  unwrapAnswer,
  upstreamMessage,
} from '../../../src/drivers/nexus/nexus.mapper';

const context: CommandContext = { requestId: 'req-1', dialect: 'gms', receivedAt: new Date('2024-05-01T10:00:00Z') };
const byId = (value: string): InteractionRef => ({ by: 'id', value });
const byExt = (value: string): InteractionRef => ({ by: 'externalId', value });
const str = (key: string, value: string) => ({ key, type: 'str' as const, value });

const create = (fields: Partial<CreateCommand> = {}): CreateCommand => ({ kind: 'create', service: 'customer-support', context, userData: [], extra: {}, ...fields });
const get = (ref: InteractionRef): GetCommand => ({ kind: 'get', service: 'svc', context, ref });
const update = (changes: UserDataChange[], ref = byId('I1')): UpdateCommand => ({ kind: 'update', service: 'svc', context, ref, changes });
/** What goes on the wire of an upstream request (undefined fields and headers are not sent). */
const wireOf = (r: UpstreamRequest) => ({ method: r.method, path: r.path, headers: r.headers, body: r.body, idempotent: r.idempotent, deadline: r.deadline });
const noJudge = (): undefined => undefined;
const stop = (fields: Partial<StopCommand> = {}): StopCommand => ({ kind: 'stop', service: 'svc', context, ref: byId('I1'), ...fields });

function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error('expected a GatewayError');
}

describe('nexus driver mapper: paths', () => {
  it('names an interaction by id, or by ext_{externalId}', () => {
    expect(interactionPath('svc', byId('0001KaB3'))).toBe('/openmedia/svc/interactions/0001KaB3');
    expect(interactionPath('svc', byExt('xy932'))).toBe('/openmedia/svc/interactions/ext_xy932');
  });

  it.each([
    ['a/b', 'a%2Fb'],
    ['x?y#z', 'x%3Fy%23z'],
    ['back\\slash', 'back%5Cslash'],
    ['sp ace%', 'sp%20ace%25'],
    ['ünï', '%C3%BCn%C3%AF'],
  ])('encodes the hostile id %j as one segment', (raw, encoded) => {
    expect(interactionPath('svc', byId(raw))).toBe(`/openmedia/svc/interactions/${encoded}`);
    expect(interactionPath('svc', byExt(raw))).toBe(`/openmedia/svc/interactions/ext_${encoded}`);
    expect(toCreateRequest(create({ service: raw })).path).toBe(`/openmedia/${encoded}/interactions`);
  });

  it.each(['', '.', '..'])('refuses the id %j, which no encoding keeps from moving the path', (raw) => {
    expect(thrown(() => interactionPath('svc', byId(raw))).code).toBe('invalid_request');
    expect(thrown(() => interactionPath('svc', byExt(raw))).code).toBe('invalid_request');
    expect(thrown(() => toCreateRequest(create({ service: raw }))).code).toBe('invalid_request');
  });

  it('refuses a lone surrogate, which has no percent-encoding', () => {
    expect(thrown(() => interactionPath('svc', byId('a\uD800b'))).code).toBe('invalid_request');
  });

  it('refuses a canonical id beginning with ext_: Nexus would read it as an externalId', () => {
    const err = thrown(() => toGetRequest('svc', byId('ext_123')));
    expect(err.code).toBe('invalid_request');
    expect(toGetRequest('svc', byExt('ext_123')).path).toBe('/openmedia/svc/interactions/ext_ext_123');
  });
});

describe('nexus driver mapper: requests', () => {
  it('creates with the Nexus fields only, user data as an object, no ExternalId user-data key', () => {
    const request = toCreateRequest(
      create({
        externalId: 'xy932',
        parentInteractionId: 'P1',
        receivedAt: '2024-05-01T09:59:00.000Z',
        interactionType: 'Inbound',
        queue: 'q',
        extra: { AccountId: 'a' },
        userData: [str('0rderNumber', 'ABC123456789'), { key: 'n', type: 'int', value: 7 }, { key: 'kv', type: 'kvlist', value: [str('a', 'b')] }],
      }),
    );
    expect(request).toEqual({
      method: 'POST',
      path: '/openmedia/customer-support/interactions',
      body: {
        externalId: 'xy932',
        parentInteractionId: 'P1',
        receivedAt: '2024-05-01T09:59:00.000Z',
        userData: { '0rderNumber': 'ABC123456789', n: 7, kv: { a: 'b' } },
      },
      idempotent: true,
    });
    expect(JSON.parse(JSON.stringify(request.body))).toEqual(request.body);
  });

  it('creates without externalId: not idempotent, even with an Idempotency-Key (the Nexus spec defines none)', () => {
    expect(toCreateRequest(create())).toEqual({ method: 'POST', path: '/openmedia/customer-support/interactions', body: { userData: {} }, idempotent: false });
    expect(toCreateRequest(create({ context: { ...context, idempotencyKey: 'k' } })).idempotent).toBe(false);
  });

  it('gets by id or externalId, idempotent, without a body', () => {
    expect(toGetRequest('svc', byId('I1'))).toEqual({ method: 'GET', path: '/openmedia/svc/interactions/I1', idempotent: true });
  });

  it('maps replace, add and delete to changedProperties, addedProperties and deletedProperties', () => {
    const request = toUpdateRequest(
      update([
        { op: 'replace', entries: [str('a', '1')] },
        { op: 'add', entries: [str('b', '2')], keepDuplicates: true },
        { op: 'delete', keys: ['c', 'd', 'c'] },
      ]),
      'lookup',
    );
    expect(request).toEqual({
      method: 'POST',
      path: '/openmedia/svc/interactions/I1/update',
      body: { changedProperties: { a: '1' }, addedProperties: { b: '2' }, deletedProperties: ['c', 'd'] },
      idempotent: true,
    });
  });

  it('places upserts by strategy: lookup by the keys present, changed or added all one way', () => {
    const upsert = update([{ op: 'upsert', entries: [str('present', 'p'), str('absent', 'a')] }], byExt('x/1'));
    expect(needsLookup(upsert, 'lookup')).toBe(true);
    expect(needsLookup(upsert, 'changed')).toBe(false);
    expect(toUpdateRequest(upsert, 'lookup', new Set(['present', 'other'])).body).toEqual({
      changedProperties: { present: 'p' },
      addedProperties: { absent: 'a' },
    });
    expect(toUpdateRequest(upsert, 'changed').body).toEqual({ changedProperties: { present: 'p', absent: 'a' } });
    expect(toUpdateRequest(upsert, 'added').body).toEqual({ addedProperties: { present: 'p', absent: 'a' } });
    expect(toUpdateRequest(upsert, 'added').path).toBe('/openmedia/svc/interactions/ext_x%2F1/update');
  });

  it('folds the changes so each key goes once, by the last change naming it: the wire has no order', () => {
    const folded = toUpdateRequest(
      update([
        { op: 'upsert', entries: [str('x', '1')] },
        { op: 'delete', keys: ['x', 'y'] },
        { op: 'upsert', entries: [str('y', '2')] },
        { op: 'add', entries: [str('z', '1')] },
        { op: 'replace', entries: [str('z', '2')] },
      ]),
      'lookup',
      new Set(['x', 'y']),
    );
    expect(folded.body).toEqual({ changedProperties: { z: '2' }, addedProperties: { y: '2' }, deletedProperties: ['x'] });
  });

  it('needs no lookup for a delete-only update, and refuses an update with nothing to send', () => {
    expect(needsLookup(update([{ op: 'delete', keys: ['k'] }]), 'lookup')).toBe(false);
    expect(thrown(() => toUpdateRequest(update([{ op: 'delete', keys: [] }]), 'lookup')).code).toBe('invalid_request');
  });

  it('keeps a __proto__ user-data key as plain data', () => {
    const body = toUpdateRequest(update([{ op: 'replace', entries: [str('__proto__', 'x')] }]), 'lookup').body!;
    expect(JSON.parse(JSON.stringify(body))).toEqual(JSON.parse('{"changedProperties":{"__proto__":"x"}}'));
  });

  it('stops with the reason fields, `{}` without them', () => {
    expect(toStopRequest(stop({ reasonSystemName: 'RSN-123', reasonDescription: 'ORDER CANCELLED' }))).toEqual({
      method: 'POST',
      path: '/openmedia/svc/interactions/I1/stop',
      body: { reasonSystemName: 'RSN-123', reasonDescription: 'ORDER CANCELLED' },
      idempotent: true,
    });
    expect(toStopRequest(stop()).body).toEqual({});
  });

  it('adds x-api-key, accept, content-type with a body, trace, request id, idempotency key and deadline', () => {
    const full = { ...context, traceId: 'a1b2c3d4e5f60718', idempotencyKey: 'idem-1', deadline: 42 };
    expect(wireOf(new NexusUpstreamRequest(toStopRequest(stop()), full, 'secret', noJudge, stop()))).toEqual({
      method: 'POST',
      path: '/openmedia/svc/interactions/I1/stop',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        'x-api-key': 'secret',
        'x-request-id': 'req-1',
        'x-b3-traceid': 'a1b2c3d4e5f60718',
        'idempotency-key': 'idem-1',
      },
      body: '{}',
      idempotent: true,
      deadline: 42,
    });
    expect(wireOf(new NexusUpstreamRequest(toGetRequest('svc', byId('I1')), context, 'secret', noJudge, stop()))).toEqual({
      method: 'GET',
      path: '/openmedia/svc/interactions/I1',
      headers: { accept: 'application/json', 'x-api-key': 'secret', 'x-request-id': 'req-1' },
      idempotent: true,
    });
  });
});

describe('nexus driver mapper: answers', () => {
  const wire = {
    id: 'I1',
    externalId: 'xy932',
    parentInteractionId: 'P1',
    service: 'other-name',
    type: 'Inbound',
    subtype: 'InboundNew',
    mediaType: 'workitem',
    state: 'stopped',
    queue: 'q1',
    receivedAt: '2024-05-01T10:00:00.000Z',
    submittedAt: '2024-05-01T10:00:00.000Z',
    placedInQueueAt: '2024-05-01T10:00:01.000Z',
    stoppedAt: '2024-05-01T10:05:00.000Z',
    stopReason: { systemName: 'RSN-123', description: 'ORDER CANCELLED' },
    userData: { '0rderNumber': 'ABC123456789', n: 7, kv: { a: 'b' }, flag: true },
  };

  it('reads the status envelope and a flat body alike', () => {
    expect(unwrapAnswer({ status: { code: 0 }, data: { id: 'I1' } }, get(byId('I1')))).toEqual({ id: 'I1' });
    expect(unwrapAnswer({ id: 'I1' }, get(byId('I1')))).toEqual({ id: 'I1' });
  });

  it('takes a non-zero envelope code as the failure it names', () => {
    expect(thrown(() => unwrapAnswer({ status: { code: 404, message: 'nope' } }, get(byId('I1')))).code).toBe('not_found');
    expect(thrown(() => unwrapAnswer({ status: { code: 7 } }, get(byId('I1')))).code).toBe('upstream_rejected');
  });

  it('refuses an answer that is not a JSON object', () => {
    for (const body of [null, 'ok', [1], 3]) expect(thrown(() => unwrapAnswer(body, get(byId('I1')))).code).toBe('upstream_rejected');
  });

  it('reads a create answer, keeping the command externalId when the upstream does not echo it', () => {
    expect(fromCreatedAnswer({ id: 'I1', externalId: 'e' }, create())).toEqual({ id: 'I1', externalId: 'e' });
    expect(fromCreatedAnswer({ id: 'I1' }, create({ externalId: 'x' }))).toEqual({ id: 'I1', externalId: 'x' });
    expect(fromCreatedAnswer({ id: 'I1' }, create())).toEqual({ id: 'I1' });
    expect(thrown(() => fromCreatedAnswer({ id: '' }, create())).code).toBe('upstream_rejected');
    expect(thrown(() => fromCreatedAnswer({ id: 5 }, create())).code).toBe('upstream_rejected');
  });

  it('maps every interaction field, in the service the command named', () => {
    expect(fromInteractionAnswer(wire, 'svc')).toEqual({
      id: 'I1',
      externalId: 'xy932',
      parentInteractionId: 'P1',
      service: 'svc',
      type: 'Inbound',
      subtype: 'InboundNew',
      mediaType: 'workitem',
      state: 'stopped',
      queue: 'q1',
      receivedAt: '2024-05-01T10:00:00.000Z',
      submittedAt: '2024-05-01T10:00:00.000Z',
      placedInQueueAt: '2024-05-01T10:00:01.000Z',
      stoppedAt: '2024-05-01T10:05:00.000Z',
      stopReason: { systemName: 'RSN-123', description: 'ORDER CANCELLED' },
      userData: [
        str('0rderNumber', 'ABC123456789'),
        { key: 'n', type: 'int', value: 7 },
        { key: 'kv', type: 'kvlist', value: [str('a', 'b')] },
        str('flag', 'true'),
      ],
    });
  });

  it('is lenient: interactionType names, odd-cased states, epoch and offset timestamps, no user data', () => {
    const read = fromInteractionAnswer(
      { id: 'I2', interactionType: 'T', interactionSubtype: 'S', state: 'InWorkbin', receivedAt: '2024-05-01T12:00:00+02:00', submittedAt: 1714557600000 },
      'svc',
    );
    expect(read).toMatchObject({ type: 'T', subtype: 'S', mediaType: '', state: 'inWorkbin', receivedAt: '2024-05-01T10:00:00.000Z', submittedAt: '2024-05-01T10:00:00.000Z', userData: [] });
  });

  it('reads an unknown state as queued, or stopped when a stop time is given', () => {
    const base = { id: 'I3', receivedAt: '2024-05-01T10:00:00Z' };
    expect(fromInteractionAnswer({ ...base, state: 'Routing' }, 'svc').state).toBe('queued');
    expect(fromInteractionAnswer({ ...base, state: 'constructor' }, 'svc').state).toBe('queued');
    expect(fromInteractionAnswer({ ...base, stoppedAt: '2024-05-01T10:01:00Z' }, 'svc').state).toBe('stopped');
  });

  it.each([
    ['no id', { receivedAt: '2024-05-01T10:00:00Z' }],
    ['no arrival time', { id: 'I1', receivedAt: 'yesterday' }],
    ['user data as an array', { id: 'I1', receivedAt: '2024-05-01T10:00:00Z', userData: ['a'] }],
    ['a null user-data value', { id: 'I1', receivedAt: '2024-05-01T10:00:00Z', userData: { a: null } }],
  ])('refuses an interaction with %s', (_name, data) => {
    expect(thrown(() => fromInteractionAnswer(data, 'svc')).code).toBe('upstream_rejected');
  });

  it('keeps only the message of an error body for the log, and no other JSON', () => {
    expect(upstreamMessage('{"status":{"code":400,"message":"bad field"}}')).toBe('bad field');
    expect(upstreamMessage('{"userData":{"card":"4111"}}')).toBeUndefined();
    expect(upstreamMessage('<html>Bad gateway</html>')).toBe('<html>Bad gateway</html>');
    expect(upstreamMessage('')).toBeUndefined();
  });
});

describe('nexus driver mapper: upstream statuses', () => {
  const cases: [number, 'create' | 'get' | 'update' | 'stop', ErrorCode][] = [
    [400, 'create', 'upstream_rejected'],
    [401, 'get', 'upstream_rejected'],
    [403, 'update', 'upstream_rejected'],
    [404, 'get', 'not_found'],
    [404, 'create', 'not_found'],
    [409, 'create', 'already_exists'],
    [409, 'update', 'conflict'],
    [409, 'stop', 'conflict'],
    [429, 'get', 'rate_limited'],
    [418, 'stop', 'upstream_rejected'],
    [302, 'get', 'upstream_rejected'],
  ];
  const commands = { create: create({ externalId: 'xy932' }), get: get(byExt('xy932')), update: update([{ op: 'delete', keys: ['k'] }]), stop: stop() };

  it.each(cases)('%i on %s → %s, the status kept in details', (status, kind, code) => {
    const err = errorFromStatus(status, commands[kind]);
    expect(err.code).toBe(code);
    expect(err.details.upstreamStatus).toBe(status);
  });

  it('names what was not found: the interaction, or on create the service', () => {
    expect(errorFromStatus(404, get(byExt('xy932'))).details).toMatchObject({ subject: 'interaction', ref: 'xy932' });
    expect(errorFromStatus(404, create()).details).toMatchObject({ subject: 'service', ref: 'customer-support' });
  });

  it('keeps Retry-After of a 429', () => {
    expect(errorFromStatus(429, get(byId('I1')), 3).details.retryAfterSeconds).toBe(3);
  });
});
