import type { CommandContext } from '../../../src/core/command';
import type { Interaction } from '../../../src/core/interaction';
import { parseForm } from '../../../src/http/form';
import {
  gmsTime,
  toCreateCommand,
  toGetCommand,
  toInteractionProperties,
  toStopCommand,
  toUpdateCommand,
  unwrapEncodedForm,
} from '../../../src/inbound/gms/gms.mapper';

const context: CommandContext = { requestId: 'r-1', dialect: 'gms', receivedAt: new Date('2017-05-31T04:43:52Z') };
const form = (body: string) => unwrapEncodedForm(parseForm(body, 1000), 1000);
const invalidRequest = (field?: string) => expect.objectContaining({ code: 'invalid_request', ...(field && { details: expect.objectContaining({ field }) }) });

describe('create (spec: Create an Open Media Interaction)', () => {
  it('maps the spec example byte for byte, typo and unencoded spaces included', () => {
    const body =
      'externalId=xy932&userData%5B0rderNumber%5D=ABC123456789&userData%5BTestKey2%5D=Test+value&userData%5BKeyToDelete%5D=value to delete';
    expect(toCreateCommand(form(body), 'customer-support', context)).toStrictEqual({
      kind: 'create',
      service: 'customer-support',
      context,
      externalId: 'xy932',
      userData: [
        { key: '0rderNumber', type: 'str', value: 'ABC123456789' },
        { key: 'TestKey2', type: 'str', value: 'Test value' },
        { key: 'KeyToDelete', type: 'str', value: 'value to delete' },
      ],
      extra: {},
    });
  });

  it('takes type, both subtype spellings and media type; interactionSubType wins when both are sent', () => {
    const a = toCreateCommand(form('interactionType=Inbound&interactionSubtype=InboundNew&mediaType=workitem'), 's', context);
    expect(a).toMatchObject({ interactionType: 'Inbound', interactionSubtype: 'InboundNew', mediaType: 'workitem' });
    const b = toCreateCommand(form('interactionSubType=A&interactionSubtype=B'), 's', context);
    expect(b.interactionSubtype).toBe('A');
  });

  it('treats blank fields as not sent and ignores unknown fields', () => {
    const c = toCreateCommand(form('externalId=&mediaType=&foo=bar'), 's', context);
    expect(c).toStrictEqual({ kind: 'create', service: 's', context, userData: [], extra: {} });
  });

  it('turns nested brackets into kvlists and keeps the last of a repeated key', () => {
    const c = toCreateCommand(form('userData[a][b][c]=1&userData[k]=1&userData[k]=2'), 's', context);
    expect(c.userData).toStrictEqual([
      { key: 'a', type: 'kvlist', value: [{ key: 'b', type: 'kvlist', value: [{ key: 'c', type: 'str', value: '1' }] }] },
      { key: 'k', type: 'str', value: '2' },
    ]);
  });

  it('rejects wrong shapes naming the parameter', () => {
    expect(() => toCreateCommand(form('externalId[a]=1'), 's', context)).toThrow(invalidRequest('externalId'));
    expect(() => toCreateCommand(form('userData=flat'), 's', context)).toThrow(invalidRequest('userData'));
    expect(() => toCreateCommand(form('userData[k]=1&userData[k][x]=2'), 's', context)).toThrow(invalidRequest('userData[k][x]'));
    expect(() => toCreateCommand(form('userData[k][x]=2&userData[k]=1'), 's', context)).toThrow(invalidRequest('userData[k]'));
  });
});

describe('get', () => {
  it('reads by id by default and by externalId on searchByExternalId=true', () => {
    expect(toGetCommand(form(''), 'customer-support', '01QG0Q2S5S50G000', context)).toStrictEqual({
      kind: 'get',
      service: 'customer-support',
      context,
      ref: { by: 'id', value: '01QG0Q2S5S50G000' },
    });
    expect(toGetCommand(form('searchByExternalId=true'), 's', 'xy932', context).ref).toEqual({ by: 'externalId', value: 'xy932' });
    expect(toGetCommand(form('searchByExternalId=false'), 's', 'x', context).ref.by).toBe('id');
    expect(toGetCommand(form('searchByExternalId='), 's', 'x', context).ref.by).toBe('id');
  });

  it('rejects any other searchByExternalId', () => {
    expect(() => toGetCommand(form('searchByExternalId=yes'), 's', 'x', context)).toThrow(invalidRequest('searchByExternalId'));
  });
});

describe('update (spec: Update an Open Media Interaction)', () => {
  it('maps the spec example: change → one upsert, delete → keys with the value ignored', () => {
    const body = 'change%5B0rderNumber%5D=uABC123456789&change%5BTestKey2%5D=uTest+value&delete%5BKeyToDelete%5D=';
    expect(toUpdateCommand(form(body), 'customer-support', '01QG0Q2S5S50G000', context)).toStrictEqual({
      kind: 'update',
      service: 'customer-support',
      context,
      ref: { by: 'id', value: '01QG0Q2S5S50G000' },
      changes: [
        {
          op: 'upsert',
          entries: [
            { key: '0rderNumber', type: 'str', value: 'uABC123456789' },
            { key: 'TestKey2', type: 'str', value: 'uTest value' },
          ],
        },
        { op: 'delete', keys: ['KeyToDelete'] },
      ],
    });
  });

  it('ignores a value given to delete, and honours searchByExternalId', () => {
    const c = toUpdateCommand(form('delete[a]=whatever&searchByExternalId=true'), 's', 'xy932', context);
    expect(c.changes).toEqual([{ op: 'delete', keys: ['a'] }]);
    expect(c.ref).toEqual({ by: 'externalId', value: 'xy932' });
  });

  it('requires at least one change or delete', () => {
    expect(() => toUpdateCommand(form(''), 's', 'x', context)).toThrow(invalidRequest());
    expect(() => toUpdateCommand(form('searchByExternalId=true&other=1'), 's', 'x', context)).toThrow(/at least one key/);
  });

  it('rejects a nested delete and a flat change', () => {
    expect(() => toUpdateCommand(form('delete[a][b]='), 's', 'x', context)).toThrow(invalidRequest('delete[a]'));
    expect(() => toUpdateCommand(form('change=1'), 's', 'x', context)).toThrow(invalidRequest('change'));
  });
});

describe('stop (spec: Stop an Open Media Interaction)', () => {
  it('decodes the spec example whose whole body is percent-encoded', () => {
    expect(toStopCommand(form('reason%3DRSN-123%26description%3DORDER%2BCANCELLED'), 'customer-support', '01QG0Q255S50G000', context)).toStrictEqual({
      kind: 'stop',
      service: 'customer-support',
      context,
      ref: { by: 'id', value: '01QG0Q255S50G000' },
      reasonSystemName: 'RSN-123',
      reasonDescription: 'ORDER CANCELLED',
    });
  });

  it('takes the table names first, reason/description otherwise, and nothing at all', () => {
    const c = toStopCommand(form('reasonSystemName=Cancel&reason=x&description=Not+needed'), 's', 'i', context);
    expect(c).toMatchObject({ reasonSystemName: 'Cancel', reasonDescription: 'Not needed' });
    expect(toStopCommand(form(''), 's', 'i', context)).toStrictEqual({ kind: 'stop', service: 's', context, ref: { by: 'id', value: 'i' } });
  });
});

describe('unwrapEncodedForm', () => {
  it('re-parses only a lone key that holds "=" and has an empty value', () => {
    expect({ ...form('a%3D1') }).toEqual({ a: '1' });
    expect({ ...form('a%3D1=x') }).toEqual({ 'a=1': 'x' });
    expect({ ...form('a%3D1&b=2') }).toEqual({ 'a=1': '', b: '2' });
    expect({ ...form('plain') }).toEqual({ plain: '' });
  });
});

describe('interactionProperties (spec: Get response)', () => {
  const interaction: Interaction = {
    id: '01QG0Q2S5S50G000',
    externalId: 'xy932',
    service: 'customer-support',
    type: 'Inbound',
    subtype: 'InboundNew',
    mediaType: 'promotion',
    state: 'queued',
    queue: 'ATS Inbound Queue',
    receivedAt: '2017-05-31T04:43:52.123Z',
    submittedAt: '2017-05-31T04:43:52Z',
    placedInQueueAt: '2017-05-31T04:51:39.999Z',
    userData: [
      { key: 'KeyToDelete', type: 'str', value: 'value to delete' },
      { key: 'OrderNumber', type: 'str', value: 'ABC123456789' },
      { key: 'n', type: 'int', value: 7 },
      { key: 'nested', type: 'kvlist', value: [{ key: 'inner', type: 'str', value: 'v' }] },
    ],
  };

  it('renders the spec names, second-precision times, and ExternalId as user data', () => {
    expect(JSON.stringify(toInteractionProperties(interaction))).toBe(
      JSON.stringify({
        interactionId: '01QG0Q2S5S50G000',
        interactionType: 'Inbound',
        interactionSubtype: 'InboundNew',
        interactionMediatype: 'promotion',
        interactionState: 'Queued',
        interactionQueue: 'ATS Inbound Queue',
        interactionReceivedAt: '2017-05-31T04:43:52Z',
        interactionSubmittedAt: '2017-05-31T04:43:52Z',
        interactionPlacedInQueueAt: '2017-05-31T04:51:39Z',
        interactionIsHeld: false,
        interactionIsLocked: false,
        interactionIsOnline: false,
        interactionUserData: [
          { key: 'ExternalId', type: 'str', value: 'xy932' },
          { key: 'KeyToDelete', type: 'str', value: 'value to delete' },
          { key: 'OrderNumber', type: 'str', value: 'ABC123456789' },
          { key: 'n', type: 'int', value: 7 },
          { key: 'nested', type: 'kvlist', value: [{ key: 'inner', type: 'str', value: 'v' }] },
        ],
      }),
    );
  });

  it('names every state, capitalised as GMS does', () => {
    const states = (['queued', 'handling', 'inWorkbin', 'stopped'] as const).map((state) => toInteractionProperties({ ...interaction, state }).interactionState);
    expect(states).toEqual(['Queued', 'Handling', 'InWorkbin', 'Stopped']);
  });

  it('shows the real externalId over any ExternalId entry a backend holds, and none without an externalId', () => {
    const own = toInteractionProperties({ ...interaction, userData: [{ key: 'ExternalId', type: 'str', value: 'mine' }] });
    expect(own.interactionUserData).toEqual([{ key: 'ExternalId', type: 'str', value: interaction.externalId }]);
    const { externalId: _omit, ...noExternal } = interaction;
    expect(toInteractionProperties(noExternal).interactionUserData.some((e) => e.key === 'ExternalId')).toBe(false);
  });

  it('leaves out an absent queue and placement time', () => {
    const { queue: _q, placedInQueueAt: _p, ...bare } = interaction;
    const props = toInteractionProperties(bare);
    expect('interactionQueue' in props).toBe(false);
    expect('interactionPlacedInQueueAt' in props).toBe(false);
  });

  it('gmsTime cuts milliseconds and normalises to UTC', () => {
    expect(gmsTime('2017-05-31T06:43:52.5+02:00')).toBe('2017-05-31T04:43:52Z');
    expect(gmsTime('not a date')).toBe('not a date');
  });
});
