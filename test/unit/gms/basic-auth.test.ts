import { basicChallenge, constantTimeEqual, parseBasicAuth } from '../../../src/http/basic-auth';
import { basicUsersSchema, createBasicVerifier } from '../../../src/http/credentials';

const basic = (userPass: string) => `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`;

describe('Basic auth', () => {
  it('parses RFC 7617 credentials, splitting at the first colon', () => {
    expect(parseBasicAuth(basic('legacy:pa:ss'))).toEqual({ user: 'legacy', password: 'pa:ss' });
    expect(parseBasicAuth(`basic  ${Buffer.from('u:').toString('base64')}`)).toEqual({ user: 'u', password: '' });
  });

  it('refuses what is not Basic credentials', () => {
    for (const h of [undefined, '', 'Bearer abc', 'Basic', 'Basic !!!', basic('no-colon')]) expect(parseBasicAuth(h)).toBeUndefined();
  });

  it('accepts a configured user and password, and nothing else', () => {
    const verify = createBasicVerifier('gms', basicUsersSchema.parse({ legacy: 's3cret', other: { password: 'x', services: ['a-*'] } }));
    expect(verify(basic('legacy:s3cret'))).toMatchObject({ label: 'legacy', key: 'gms:legacy' });
    const other = verify(basic('other:x'))!;
    expect(other.label).toBe('other');
    expect([other.allows('a-1'), other.allows('b-1')]).toEqual([true, false]);
    expect(verify(basic('legacy:s3cret'))!.allows('anything')).toBe(true);
    expect(verify(basic('legacy:wrong'))).toBeUndefined();
    expect(verify(basic('legacy:x'))).toBeUndefined();
    expect(verify(basic('nobody:s3cret'))).toBeUndefined();
    expect(verify(basic('constructor:'))).toBeUndefined();
    expect(verify(undefined)).toBeUndefined();
  });

  it('compares strings of any length without throwing', () => {
    expect(constantTimeEqual('a', 'a')).toBe(true);
    expect(constantTimeEqual('a', 'ab')).toBe(false);
    expect(basicChallenge('gms')).toBe('Basic realm="gms"');
  });
});
