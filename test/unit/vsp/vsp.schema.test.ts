import { canonicalGuid } from '../../../src/core/guid';
import { GatewayError } from '../../../src/core/errors';
import { bindByName, fromJsonValue, parseCreateFields, requiredText } from '../../../src/inbound/vsp/vsp.schema';

const D = '6925ebd4-125d-4338-a736-99f4b5bcb3d7';

describe('GUIDs as .NET parses them', () => {
  it.each([
    ['D', D],
    ['D upper-case', D.toUpperCase()],
    ['N', D.replace(/-/g, '')],
    ['B', `{${D}}`],
    ['P', `(${D})`],
    ['D with spaces around', `  ${D} `],
  ])('%s form → lower-case D', (_form, text) => {
    expect(canonicalGuid(text)).toBe(D);
  });

  it.each([['empty', ''], ['too short', D.slice(1)], ['not hex', D.replace('6', 'g')], ['some hyphens only', D.replace('-', '')], ['unbalanced braces', `{${D})`], ['hyphen moved', '6925ebd4125d-4338-a736-99f4b5bcb3d7-']])(
    '%s → not a GUID',
    (_what, text) => {
      expect(canonicalGuid(text)).toBeUndefined();
    },
  );
});

describe('binding CreateVspInteraction members', () => {
  const bind = (obj: Record<string, unknown>) => bindByName(Object.entries(obj).map(([k, v]) => [k, fromJsonValue(v)]));

  it('names match case-insensitively, the last of two spellings wins, unknown and prototype names are ignored', () => {
    const bound = bind({ appaccesskey: 'first', APPACCESSKEY: 'last', __proto__x: 'x', constructor: 'c', InteractionName: 'n' });
    expect(requiredText(bound, 'AppAccessKey')).toBe('last');
    expect(Object.keys(bound).sort()).toEqual(['AppAccessKey', 'InteractionName']);
  });

  it('parses every member; optional GUIDs may be absent, null or empty', () => {
    const bound = bind({ InteractionIdentity: 'i', InteractionName: 'n', AccountId: D, ContactId: D.replace(/-/g, ''), TenantKey: null, GroupKey: '' });
    expect(parseCreateFields(bound, 'key')).toEqual({ AppAccessKey: 'key', InteractionIdentity: 'i', InteractionName: 'n', AccountId: D, ContactId: D });
  });

  it('names the field in the error, never quoting its value', () => {
    const bound = bind({ InteractionIdentity: 'i', InteractionName: 'n', AccountId: 'secret-looking-value', ContactId: D });
    let caught: unknown;
    try {
      parseCreateFields(bound, 'key');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect((caught as GatewayError).details.field).toBe('AccountId');
    expect((caught as GatewayError).message).not.toContain('secret-looking-value');
  });
});
