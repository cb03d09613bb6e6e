import { GatewayError } from '../../../src/core/errors';
import { userDataFromObject, userDataToObject } from '../../../src/core/user-data';

describe('user data from a wire object', () => {
  it('types strings, integers and nested objects; booleans and fractions keep their string form', () => {
    expect(userDataFromObject({ s: 'x', i: 42, b: true, f: 1.5, n: { inner: 'y' } })).toEqual([
      { key: 's', type: 'str', value: 'x' },
      { key: 'i', type: 'int', value: 42 },
      { key: 'b', type: 'str', value: 'true' },
      { key: 'f', type: 'str', value: '1.5' },
      { key: 'n', type: 'kvlist', value: [{ key: 'inner', type: 'str', value: 'y' }] },
    ]);
  });

  it.each([
    [{ a: null }, 'a'],
    [{ a: [1] }, 'a'],
    [{ a: { b: null } }, 'a.b'],
  ])('refuses %j naming %s', (obj, field) => {
    const err = (() => {
      try {
        userDataFromObject(obj as Record<string, unknown>);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ code: 'invalid_request', details: { field } });
  });

  it('refuses nesting deeper than five levels', () => {
    const ok = { l1: { l2: { l3: { l4: { l5: 'x' } } } } };
    expect(() => userDataFromObject(ok)).not.toThrow();
    expect(() => userDataFromObject({ l1: { l2: { l3: { l4: { l5: { l6: 'x' } } } } } })).toThrow(/deeper than 5/);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s', (key) => {
    const obj = JSON.parse(`{"${key}": {"polluted": "yes"}}`) as Record<string, unknown>;
    expect(() => userDataFromObject(obj)).toThrow(GatewayError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('user data to a wire object', () => {
  it('lets the last of duplicate keys win and nests kvlists, on a null-prototype object', () => {
    const obj = userDataToObject([
      { key: 'k', type: 'str', value: 'first' },
      { key: 'k', type: 'str', value: 'last' },
      { key: 'n', type: 'kvlist', value: [{ key: 'i', type: 'int', value: 1 }] },
    ]);
    expect(Object.getPrototypeOf(obj)).toBeNull();
    expect(JSON.parse(JSON.stringify(obj))).toEqual({ k: 'last', n: { i: 1 } });
  });
});
