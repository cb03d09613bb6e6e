import type { CommandContext, CreateCommand, GetCommand, InteractionRef, StopCommand, UpdateCommand, UserDataChange } from '../../../src/core/command';
import { GatewayError, type ErrorCode } from '../../../src/core/errors';
import type { UserData } from '../../../src/core/user-data';
import { checkGmsAnswer, toCreated, toInteraction } from '../../../src/drivers/gms/gms.answer';
import { gmsDriverConfigSchema } from '../../../src/drivers/gms/gms.config';
import { gmsHeaders, toCreateRequest, toGetRequest, toStopRequest, toUpdateRequest } from '../../../src/drivers/gms/gms.mapper';
import { encodeForm, parseForm } from '../../../src/http/form';
import { toCreateCommand, toUpdateCommand } from '../../../src/inbound/gms/gms.mapper';

const context: CommandContext = { requestId: 'req-1', dialect: 'nexus', receivedAt: new Date('2024-01-01T00:00:00Z') };
const byId = (value: string): InteractionRef => ({ by: 'id', value });
const byExt = (value: string): InteractionRef => ({ by: 'externalId', value });

const create = (fields: Partial<CreateCommand> = {}): CreateCommand => ({
  kind: 'create',
  service: 'customer-support',
  context,
  userData: [],
  extra: {},
  ...fields,
});
const get = (ref: InteractionRef, service = 'customer-support'): GetCommand => ({ kind: 'get', service, context, ref });
const update = (ref: InteractionRef, changes: UserDataChange[]): UpdateCommand => ({ kind: 'update', service: 'customer-support', context, ref, changes });
const stop = (ref: InteractionRef, reasons: Partial<StopCommand> = {}): StopCommand => ({ kind: 'stop', service: 'customer-support', context, ref, ...reasons });

const str = (key: string, value: string) => ({ key, type: 'str' as const, value });

function expectError(fn: () => unknown, code: ErrorCode): GatewayError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(GatewayError);
  expect((thrown as GatewayError).code).toBe(code);
  return thrown as GatewayError;
}

describe('gms driver config', () => {
  it('takes the HTTP options with their defaults, Basic credentials and gmsUser', () => {
    const config = gmsDriverConfigSchema.parse({
      driver: 'gms',
      baseUrl: 'http://gms.local:8080/genesys/2/openmedia',
      basicAuth: { username: 'gw', password: '' },
      gmsUser: 'gateway',
    });
    expect(config).toMatchObject({ timeoutMs: 10000, retries: 2, basicAuth: { username: 'gw', password: '' }, gmsUser: 'gateway' });
  });

  it('refuses unknown keys and an empty username', () => {
    expect(gmsDriverConfigSchema.safeParse({ driver: 'gms', baseUrl: 'http://g/x', apiKey: 'k' }).success).toBe(false);
    expect(gmsDriverConfigSchema.safeParse({ driver: 'gms', baseUrl: 'http://g/x', basicAuth: { username: '', password: 'p' } }).success).toBe(false);
  });
});

describe('create request', () => {
  it('sends the spec example as a form on /{service}', () => {
    const request = toCreateRequest(
      create({
        externalId: 'xy932',
        interactionType: 'Inbound',
        interactionSubtype: 'InboundNew',
        mediaType: 'workitem',
        userData: [str('OrderNumber', 'ABC123456789'), str('TestKey2', 'Test value'), str('KeyToDelete', 'value to delete')],
      }),
    );
    expect(request.path).toBe('/customer-support');
    expect(encodeForm(request.form)).toBe(
      'externalId=xy932&interactionType=Inbound&interactionSubType=InboundNew&mediaType=workitem' +
        '&userData%5BOrderNumber%5D=ABC123456789&userData%5BTestKey2%5D=Test+value&userData%5BKeyToDelete%5D=value+to+delete',
    );
  });

  it('sends nothing it has no value for', () => {
    expect(toCreateRequest(create()).form).toEqual([]);
  });

  it('sends ints as their decimal string and kvlists as nested brackets', () => {
    const userData: UserData = [
      { key: 'Count', type: 'int', value: -3 },
      { key: 'Customer', type: 'kvlist', value: [str('Name', 'Ada'), { key: 'Address', type: 'kvlist', value: [str('City', 'Paris')] }] },
    ];
    expect(toCreateRequest(create({ userData })).form).toEqual([
      ['userData[Count]', '-3'],
      ['userData[Customer][Name]', 'Ada'],
      ['userData[Customer][Address][City]', 'Paris'],
    ]);
  });

  it('collapses duplicate keys to the last value at the first position, as a form can hold one', () => {
    const userData: UserData = [str('k', '1'), str('other', 'x'), str('k', '2')];
    expect(toCreateRequest(create({ userData })).form).toEqual([
      ['userData[k]', '2'],
      ['userData[other]', 'x'],
    ]);
  });

  it('does not send the fields GMS has no parameter for', () => {
    const request = toCreateRequest(create({ parentInteractionId: 'p', receivedAt: '2024-01-01T00:00:00Z', queue: 'q', extra: { AccountId: 'a' } }));
    expect(request.form).toEqual([]);
  });

  it('encodes keys and values holding &, =, +, % and non-ASCII so they arrive intact at a GMS form parser', () => {
    const userData: UserData = [str('a&b=c', 'x&y=z'), str('plus+ %25', '1+1 %ZZ'), str('ä€', 'line\nbreak')];
    const body = encodeForm(toCreateRequest(create({ externalId: 'e&=1', userData })).form);
    expect(body).toBe('externalId=e%26%3D1&userData%5Ba%26b%3Dc%5D=x%26y%3Dz&userData%5Bplus%2B+%2525%5D=1%2B1+%25ZZ&userData%5B%C3%A4%E2%82%AC%5D=line%0Abreak');
    const command = toCreateCommand(parseForm(body, 1000), 'customer-support', context);
    expect(command.externalId).toBe('e&=1');
    expect(command.userData).toEqual(userData);
  });

  it('round-trips nested user data through the gateway GMS form parser, ints arriving as strings', () => {
    const userData: UserData = [
      { key: 'Count', type: 'int', value: 3 },
      { key: 'a', type: 'kvlist', value: [{ key: 'b', type: 'kvlist', value: [{ key: 'c', type: 'kvlist', value: [{ key: 'd', type: 'kvlist', value: [str('e', 'deep')] }] }] }] },
    ];
    const body = encodeForm(toCreateRequest(create({ userData })).form);
    expect(toCreateCommand(parseForm(body, 1000), 's', context).userData).toEqual([str('Count', '3'), ...userData.slice(1)]);
  });

  it.each([['a][b'], ['x][0'], ['']])('refuses user-data key %j, whose form name would read back as another key', (key) => {
    const err = expectError(() => toCreateRequest(create({ userData: [str(key, 'v')] })), 'invalid_request');
    expect(err.details.field).toBe(key);
  });

  it.each([['a[b]'], ['a]b'], ['[x'], ['x[1'], ['[a]']])('sends user-data key %j whole, as a servlet reads it back', (key) => {
    const { form } = toCreateRequest(create({ userData: [str(key, 'v')] }));
    expect(form).toEqual([[`userData[${key}]`, 'v']]);
    expect(toCreateCommand(parseForm(encodeForm(form), 1000), 's', context).userData).toEqual([str(key, 'v')]);
  });

  it('refuses a nested key that would read as an array index', () => {
    const userData: UserData = [{ key: 'list', type: 'kvlist', value: [str('0', 'x')] }];
    expect(expectError(() => toCreateRequest(create({ userData })), 'invalid_request').details.field).toBe('list.0');
  });

  it('names the nested path of a refused key', () => {
    const userData: UserData = [{ key: 'outer', type: 'kvlist', value: [str('in[ner', 'v')] }];
    expect(expectError(() => toCreateRequest(create({ userData })), 'invalid_request').details.field).toBe('outer.in[ner');
  });

  it('refuses the top-level key ExternalId, where GMS keeps the externalId; nested it is plain data', () => {
    expect(expectError(() => toCreateRequest(create({ userData: [str('ExternalId', 'x')] })), 'invalid_request').details.field).toBe('ExternalId');
    expectError(() => toUpdateRequest(update(byId('i'), [{ op: 'upsert', entries: [str('ExternalId', 'x')] }])), 'invalid_request');
    expectError(() => toUpdateRequest(update(byId('i'), [{ op: 'delete', keys: ['ExternalId'] }])), 'invalid_request');
    const nested: UserData = [{ key: 'Order', type: 'kvlist', value: [str('ExternalId', 'x')] }];
    expect(toCreateRequest(create({ userData: nested })).form).toEqual([['userData[Order][ExternalId]', 'x']]);
  });

  it('refuses prototype keys and an empty kvlist, which a form cannot carry', () => {
    expectError(() => toCreateRequest(create({ userData: [str('__proto__', 'v')] })), 'invalid_request');
    expectError(() => toCreateRequest(create({ userData: [{ key: 'empty', type: 'kvlist', value: [] }] })), 'invalid_request');
  });
});

describe('paths with hostile ids', () => {
  it.each([
    ['a/b', '/customer-support/a%2Fb/get'],
    ['x?y', '/customer-support/x%3Fy/get'],
    ['x#y', '/customer-support/x%23y/get'],
    ['a\\b', '/customer-support/a%5Cb/get'],
    ['...', '/customer-support/.../get'],
    ['%2E%2E', '/customer-support/%252E%252E/get'],
    ['ext_1 2', '/customer-support/ext_1%202/get'],
  ])('id %j stays one segment: %s', (id, path) => {
    expect(toGetRequest(get(byId(id))).path).toBe(path);
  });

  it.each([['..'], ['.'], ['']])('refuses id %j before any I/O: a URL parser would resolve it', (id) => {
    expectError(() => toGetRequest(get(byId(id))), 'invalid_request');
    expectError(() => toStopRequest(stop(byExt(id))), 'invalid_request');
    expectError(() => toUpdateRequest(update(byId(id), [{ op: 'delete', keys: ['a'] }])), 'invalid_request');
  });

  it('encodes and checks the service too', () => {
    expect(toCreateRequest(create({ service: 'a/b?c' })).path).toBe('/a%2Fb%3Fc');
    expect(toGetRequest(get(byId('1'), '../admin')).path).toBe('/..%2Fadmin/1/get');
    expectError(() => toCreateRequest(create({ service: '..' })), 'invalid_request');
  });
});

describe('get, update and stop requests', () => {
  it('get by id sends an empty form; by externalId names it in the path with searchByExternalId=true', () => {
    expect(toGetRequest(get(byId('01QG0Q2S5S50G000')))).toEqual({ path: '/customer-support/01QG0Q2S5S50G000/get', form: [] });
    expect(toGetRequest(get(byExt('xy932')))).toEqual({ path: '/customer-support/xy932/get', form: [['searchByExternalId', 'true']] });
  });

  it('update sends upsert, replace and add as change[k] and deletes as delete[k]=', () => {
    const request = toUpdateRequest(
      update(byId('01QG0Q2S5S50G000'), [
        { op: 'upsert', entries: [str('OrderNumber', 'uABC123456789')] },
        { op: 'replace', entries: [str('TestKey2', 'uTest value')] },
        { op: 'add', entries: [{ key: 'Count', type: 'int', value: 7 }] },
        { op: 'delete', keys: ['KeyToDelete'] },
      ]),
    );
    expect(request.path).toBe('/customer-support/01QG0Q2S5S50G000/update');
    expect(encodeForm(request.form)).toBe(
      'change%5BOrderNumber%5D=uABC123456789&change%5BTestKey2%5D=uTest+value&change%5BCount%5D=7&delete%5BKeyToDelete%5D=',
    );
  });

  it('update by externalId adds searchByExternalId=true', () => {
    const request = toUpdateRequest(update(byExt('xy932'), [{ op: 'delete', keys: ['a'] }]));
    expect(request).toEqual({ path: '/customer-support/xy932/update', form: [['searchByExternalId', 'true'], ['delete[a]', '']] });
  });

  it('folds changes per key so the last operation wins, since GMS applies changes before deletes', () => {
    const changes: UserDataChange[] = [
      { op: 'upsert', entries: [str('x', '1')] },
      { op: 'delete', keys: ['x', 'y'] },
      { op: 'upsert', entries: [str('y', '2')] },
    ];
    const form = toUpdateRequest(update(byId('i'), changes)).form;
    expect(form).toEqual([['change[y]', '2'], ['delete[x]', '']]);
    const command = toUpdateCommand(parseForm(encodeForm(form), 1000), 's', 'i', context);
    expect(command.changes).toEqual([{ op: 'upsert', entries: [str('y', '2')] }, { op: 'delete', keys: ['x'] }]);
  });

  it('sends a changed kvlist as nested brackets; a bracketed delete key goes whole unless it would read as nested', () => {
    const form = toUpdateRequest(update(byId('i'), [{ op: 'upsert', entries: [{ key: 'C', type: 'kvlist', value: [str('T', '1')] }] }])).form;
    expect(form).toEqual([['change[C][T]', '1']]);
    expect(toUpdateRequest(update(byId('i'), [{ op: 'delete', keys: ['a]b'] }])).form).toEqual([['delete[a]b]', '']]);
    expectError(() => toUpdateRequest(update(byId('i'), [{ op: 'delete', keys: ['a][b'] }])), 'invalid_request');
  });

  it('refuses an update with nothing to send', () => {
    expectError(() => toUpdateRequest(update(byId('i'), [{ op: 'add', entries: [] }])), 'invalid_request');
  });

  it('stop sends reasonSystemName and reasonDescription when given', () => {
    const request = toStopRequest(stop(byExt('xy932'), { reasonSystemName: 'RSN-123', reasonDescription: 'ORDER CANCELLED' }));
    expect(request.path).toBe('/customer-support/xy932/stop');
    expect(encodeForm(request.form)).toBe('searchByExternalId=true&reasonSystemName=RSN-123&reasonDescription=ORDER+CANCELLED');
    expect(toStopRequest(stop(byId('i'))).form).toEqual([]);
  });
});

describe('headers', () => {
  it('always sends the form content type, accept json and the request id', () => {
    expect(gmsHeaders({}, context)).toEqual({
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      'x-request-id': 'req-1',
    });
  });

  it('adds Basic credentials, and gms_user from the config before the caller', () => {
    const headers = gmsHeaders({ basicAuth: { username: 'gw', password: 'pä:ss' }, gmsUser: 'gateway' }, { ...context, gmsUser: 'caller', traceId: 't1' });
    expect(headers.authorization).toBe(`Basic ${Buffer.from('gw:pä:ss', 'utf8').toString('base64')}`);
    expect(headers.gms_user).toBe('gateway');
    expect(headers['x-b3-traceid']).toBe('t1');
    expect(gmsHeaders({}, { ...context, gmsUser: 'caller' }).gms_user).toBe('caller');
  });
});

describe('answers', () => {
  const ok200 = (body: unknown, ref?: InteractionRef) => checkGmsAnswer(200, body, ref);
  const failure = (code: number) => ({ statusCode: 2, errors: [{ code, advice: `advice ${code}` }] });

  it('statusCode 0 is returned', () => {
    expect(ok200({ statusCode: 0 })).toEqual({ statusCode: 0 });
  });

  it('statusCode 1 is retryable upstream_unavailable', () => {
    const err = expectError(() => ok200({ statusCode: 1 }), 'upstream_unavailable');
    expect(err.retryable).toBe(true);
    expect(err.details).toMatchObject({ upstreamStatus: 200, upstreamCode: 1 });
  });

  it('248 is not_found about the interaction the command named', () => {
    const err = expectError(() => ok200(failure(248), byId('01QG0Q2S5S50G000')), 'not_found');
    expect(err.details).toEqual({ subject: 'interaction', ref: '01QG0Q2S5S50G000', upstreamStatus: 200, upstreamCode: 248 });
    expect(err.message).not.toContain('advice');
    expect(expectError(() => checkGmsAnswer(404, failure(248), byExt('x')), 'not_found').details.ref).toBe('x');
  });

  it.each([
    [250, 'already_exists'],
    [253, 'conflict'],
    [251, 'unsupported'],
    [252, 'upstream_rejected'],
    [200, 'upstream_rejected'],
    [299, 'upstream_rejected'],
  ] as const)('code %i is %s, the GMS code kept', (code, expected) => {
    const err = expectError(() => ok200(failure(code), byExt('xy932')), expected);
    expect(err.details.upstreamCode).toBe(code);
    expect(err.retryable).toBe(false);
  });

  it('252 with HTTP 404 (service unknown upstream) is upstream_rejected, not a missing service', () => {
    const err = expectError(() => checkGmsAnswer(404, failure(252)), 'upstream_rejected');
    expect(err.details).toEqual({ upstreamStatus: 404, upstreamCode: 252 });
  });

  it('statusCode 2 without errors, an unknown statusCode and HTTP 404 claiming success are upstream_rejected', () => {
    expectError(() => ok200({ statusCode: 2 }), 'upstream_rejected');
    expectError(() => ok200({ statusCode: 7 }), 'upstream_rejected');
    expectError(() => checkGmsAnswer(404, { statusCode: 0 }), 'upstream_rejected');
  });

  it.each([[400], [401], [403], [404], [409], [418]])('HTTP %i without a usable GMS body is upstream_rejected', (status) => {
    expect(expectError(() => checkGmsAnswer(status, { error: 'nope' }), 'upstream_rejected').details.upstreamStatus).toBe(status);
  });

  it('HTTP 400 with a GMS body is upstream_rejected, keeping the GMS code', () => {
    expect(expectError(() => checkGmsAnswer(400, failure(200)), 'upstream_rejected').details).toEqual({ upstreamStatus: 400, upstreamCode: 200 });
  });

  it.each([[undefined], [null], ['text'], [[1]], [{ statusCode: '0' }]])('a wrong-shape body %j is upstream_rejected', (body) => {
    expectError(() => ok200(body), 'upstream_rejected');
  });

  it('create answers the interactionId, echoing the externalId', () => {
    expect(toCreated({ statusCode: 0, interactionId: '01QG0Q2S5S50G000' }, 200, create({ externalId: 'xy932' }))).toEqual({ id: '01QG0Q2S5S50G000', externalId: 'xy932' });
    expect(toCreated({ statusCode: 0, interactionId: 'i' }, 200, create())).toEqual({ id: 'i' });
    expectError(() => toCreated({ statusCode: 0 }, 200, create()), 'upstream_rejected');
    expectError(() => toCreated({ statusCode: 0, interactionId: '' }, 200, create()), 'upstream_rejected');
  });
});

describe('interactionProperties → Interaction', () => {
  /** The spec's Get response, with the ExternalId entry GMS adds for a create that carried one. */
  const specProperties = {
    interactionType: 'Inbound',
    interactionId: '01QG0Q2S5S50G000',
    interactionReceivedAt: '2017-05-31T04:43:52Z',
    interactionIsHeld: false,
    interactionSubmittedBy: 'GMS-DC-API:gms1:1',
    interactionMediatype: 'promotion',
    interactionTenantId: 1,
    interactionQueue: 'ATS Inbound Queue',
    interactionSubmitSeq: '1049036',
    interactionMovedToQueueAt: '2017-05-31T04:43:52Z',
    interactionState: 'Queued',
    interactionSubmittedAt: '2017-05-31T04:43:52Z',
    interactionPlacedInQueueAt: '2017-05-31T04:51:39Z',
    interactionUserData: [
      { key: 'ExternalId', type: 'str', value: 'xy932' },
      { key: 'KeyToDelete', type: 'str', value: 'value to delete' },
      { key: 'OrderNumber', type: 'str', value: 'ABC123456789' },
      { key: 'TestKey2', type: 'str', value: 'Test value' },
    ],
    interactionSubtype: 'InboundNew',
    interactionIsLocked: false,
    interactionIsOnline: false,
    interactionPlaceInQueueSeq: '1050198',
  };
  const read = (properties: Record<string, unknown>) => toInteraction({ statusCode: 0, interactionProperties: properties }, 200, 'customer-support');

  it('maps the spec example, ExternalId taken out of the user data into externalId', () => {
    expect(read(specProperties)).toEqual({
      tenantId: 1,
      submittedBy: 'GMS-DC-API:gms1:1',
      submitSeq: '1049036',
      movedToQueueAt: '2017-05-31T04:43:52Z',
      placeInQueueSeq: '1050198',
      id: '01QG0Q2S5S50G000',
      externalId: 'xy932',
      service: 'customer-support',
      type: 'Inbound',
      subtype: 'InboundNew',
      mediaType: 'promotion',
      state: 'queued',
      queue: 'ATS Inbound Queue',
      receivedAt: '2017-05-31T04:43:52Z',
      submittedAt: '2017-05-31T04:43:52Z',
      placedInQueueAt: '2017-05-31T04:51:39Z',
      userData: [str('KeyToDelete', 'value to delete'), str('OrderNumber', 'ABC123456789'), str('TestKey2', 'Test value')],
    });
  });

  it('has no externalId when GMS shows no ExternalId entry', () => {
    const got = read({ ...specProperties, interactionUserData: [str('k', 'v')] });
    expect(got.externalId).toBeUndefined();
    expect(got.userData).toEqual([str('k', 'v')]);
  });

  it('reads int and nested kvlist entries, ints given as numbers or digit strings', () => {
    const got = read({
      ...specProperties,
      interactionUserData: [
        { key: 'n', type: 'int', value: 42 },
        { key: 'm', type: 'int', value: '-7' },
        { key: 'bad', type: 'int', value: '4.5' },
        { key: 'u', type: 'utf-string', value: 'ü' },
        { key: 'C', type: 'kvlist', value: [{ key: 'A', type: 'kvlist', value: [{ key: 'City', type: 'str', value: 'Paris' }] }] },
      ],
    });
    expect(got.userData).toEqual([
      { key: 'n', type: 'int', value: 42 },
      { key: 'm', type: 'int', value: -7 },
      str('bad', '4.5'),
      str('u', 'ü'),
      { key: 'C', type: 'kvlist', value: [{ key: 'A', type: 'kvlist', value: [str('City', 'Paris')] }] },
    ]);
  });

  it.each([
    ['Queued', 'queued'],
    ['Handling', 'handling'],
    ['InWorkbin', 'inWorkbin'],
    ['Stopped', 'stopped'],
    ['STOPPED', 'stopped'],
    ['Routing', 'queued'],
    ['SomethingNew', 'queued'],
  ])('state %s is %s', (gms, canonical) => {
    expect(read({ ...specProperties, interactionState: gms }).state).toBe(canonical);
  });

  it('refuses answers without an id, without timestamps or with malformed user data', () => {
    const { interactionId: _, ...noId } = specProperties;
    expectError(() => read(noId), 'upstream_rejected');
    const { interactionReceivedAt: _r, interactionSubmittedAt: _s, ...noTimes } = specProperties;
    expectError(() => read(noTimes), 'upstream_rejected');
    expectError(() => read({ ...specProperties, interactionUserData: { k: 'v' } }), 'upstream_rejected');
    expectError(() => read({ ...specProperties, interactionUserData: [{ key: 'k' }] }), 'upstream_rejected');
    expectError(() => toInteraction({ statusCode: 0 }, 200, 's'), 'upstream_rejected');
  });
});
