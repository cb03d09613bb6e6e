import type { Interaction } from '../../../src/core/interaction';
import { GatewayError } from '../../../src/core/errors';
import { renderItem, toCreateCommand } from '../../../src/inbound/oracle/oracle.mapper';
import { createRequestSchema, parseOracleRequest } from '../../../src/inbound/oracle/oracle.schema';
import { originalSystemReferenceOf, parseInteractionId, parseQueryString } from '../../../src/inbound/oracle/oracle.wire';
import { SPEC_CREATE_BODY, SPEC_ITEM } from '../../fixtures/oracle-spec';

const context = { requestId: 'req-1', dialect: 'oracle', receivedAt: new Date() };

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof GatewayError ? err.code : 'not a GatewayError';
  }
};

describe('oracle mapper', () => {
  it("maps the spec's example body to a create whose ChannelTypeCd is kept in extra", () => {
    const command = toCreateCommand(parseOracleRequest(createRequestSchema, SPEC_CREATE_BODY), 'crm', context);
    expect(command).toEqual({ kind: 'create', service: 'crm', context, userData: [], extra: { 'oracle.ChannelTypeCd': 'ORA_SVC_WEB' } });
  });

  it('maps OriginalSystemReference, StartTime and InteractionData to their canonical homes', () => {
    const body = {
      OriginalSystemReference: 'ref-1',
      StartTime: SPEC_ITEM.StartTime,
      Description: 'd',
      DirectionCd: 'ORA_SVC_OUTBOUND',
      InteractionData: [{ DataKey: 'a', DataValue: 'x' }, { DataKey: 'n', DataValue: 7 }, { DataKey: 'flag', DataValue: true }],
    };
    expect(toCreateCommand(parseOracleRequest(createRequestSchema, body), 'crm', context)).toMatchObject({
      externalId: 'ref-1',
      receivedAt: '2017-03-03T12:01:13.000Z',
      extra: { 'oracle.Description': 'd', 'oracle.DirectionCd': 'ORA_SVC_OUTBOUND' },
      userData: [
        { key: 'a', type: 'str', value: 'x' },
        { key: 'n', type: 'int', value: 7 },
        { key: 'flag', type: 'str', value: 'true' },
      ],
    });
  });

  it("renders an interaction with the spec's item attributes and values", () => {
    const interaction: Interaction = {
      id: 'canonical-1',
      service: 'crm',
      type: 'Inbound',
      subtype: 'InboundNew',
      mediaType: 'workitem',
      state: 'queued',
      receivedAt: '2017-03-03T12:01:13.000Z',
      submittedAt: '2017-03-03T12:01:13.000Z',
      userData: [],
      extra: { 'oracle.ChannelTypeCd': 'ORA_SVC_WEB' },
    };
    const href = 'https://servername.fa.us2.oraclecloud.com/crmRestApi/resources/11.13.18.05/interactions/300100095824217';
    const item = renderItem(interaction, { interactionId: SPEC_ITEM.InteractionId, parentInteractionId: SPEC_ITEM.ParentInteractionId, href });
    const sameAsSpec = ['InteractionId', 'ParentInteractionId', 'TopLevelFlag', 'Description', 'ChannelTypeCd', 'DirectionCd', 'StatusCd', 'OriginalSystemReference', 'EndTime'];
    for (const key of sameAsSpec) expect([key, item[key]]).toEqual([key, (SPEC_ITEM as Record<string, unknown>)[key]]);
    expect(Date.parse(item.StartTime as string)).toBe(Date.parse(SPEC_ITEM.StartTime));
    const links = item.links as { rel: string; href: string }[];
    for (const rel of ['self', 'canonical']) {
      expect(links.find((l) => l.rel === rel)?.href).toBe(SPEC_ITEM.links.find((l) => l.rel === rel)?.href);
    }
  });
});

describe('oracle wire values', () => {
  it('InteractionId: digits below 2^53; other text is a bad request, numbers no alias can have are not found', () => {
    expect(parseInteractionId('300100095824217')).toBe(300100095824217);
    expect(parseInteractionId(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    for (const raw of ['abc', '', '-1', '1.5', '1e3', ' 1', '0x10']) expect([raw, codeOf(() => parseInteractionId(raw))]).toEqual([raw, 'invalid_request']);
    for (const raw of ['0', '007', '9007199254740992', '9007199254740993', '9'.repeat(400)]) {
      expect([raw, codeOf(() => parseInteractionId(raw))]).toEqual([raw, 'not_found']);
    }
  });

  it("q: OriginalSystemReference='…' with doubled quotes, nothing after the literal", () => {
    expect(originalSystemReferenceOf("OriginalSystemReference='abc'")).toBe('abc');
    expect(originalSystemReferenceOf(" OriginalSystemReference = 'x'' or ''1''=''1' ")).toBe("x' or '1'='1");
    expect(originalSystemReferenceOf("OriginalSystemReference='a;b=c'")).toBe('a;b=c');
    for (const q of ["OriginalSystemReference='x' or '1'='1'", "OriginalSystemReference='a'b'", "OriginalSystemReference=''", 'OriginalSystemReference=abc', "StatusCd='x'", "originalsystemreference='a'"]) {
      expect([q, codeOf(() => originalSystemReferenceOf(q))]).toEqual([q, 'invalid_request']);
    }
  });

  it('query strings decode strictly', () => {
    expect(parseQueryString("q=OriginalSystemReference%3D'a+b'&limit=5")).toEqual(new Map([['q', "OriginalSystemReference='a b'"], ['limit', '5']]));
    expect(codeOf(() => parseQueryString('q=%ZZ'))).toBe('invalid_request');
  });
});
