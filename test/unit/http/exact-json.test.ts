import { orderedKeys } from '../../../src/core/key-order';
import { parseJson, readJsonText, writeJsonText } from '../../../src/http/json';
import { namePath, formName } from '../../../src/http/form-name';

describe('exact JSON reading', () => {
  it('keeps integers past 2^53 as bigint and key order with integer-like keys', () => {
    const value = readJsonText('{"b":1,"10":2,"a":{"2":3,"x":12345678901234567890},"n":-9007199254740993,"f":1.5,"e":1e3}') as any;
    expect(orderedKeys(value)).toEqual(['b', '10', 'a', 'n', 'f', 'e']);
    expect(orderedKeys(value.a)).toEqual(['2', 'x']);
    expect(value.a.x).toBe(12345678901234567890n);
    expect(value.n).toBe(-9007199254740993n);
    expect([value.f, value.e]).toEqual([1.5, 1000]);
  });

  it('reads what JSON.parse reads, the same way, and refuses what it refuses', () => {
    const samples = ['{"a":[1,{"b":null}],"c":"\\u00e9\\n","d":true,"e":false,"0":0}', '[{"1":1,"1":2}]', ' {"k" : "v" } '];
    for (const text of samples) expect(JSON.stringify(readJsonText(text))).toBe(JSON.stringify(JSON.parse(text)));
    for (const bad of ['{"0":1,}', '{"0":1', '[1 2]', '{"0":"\u0001"}', '{"0":01}', '{"0":1}x', '{"0":tru}']) {
      expect(() => parseJson(bad, 1000)).toThrow('Malformed JSON body');
    }
  });

  it('keeps a __proto__ key as a plain property, never the prototype', () => {
    const value = readJsonText('{"0":1,"__proto__":{"polluted":true}}') as any;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as any).polluted).toBeUndefined();
    expect(orderedKeys(value)).toEqual(['0', '__proto__']);
  });

  it('writes ordered objects in their order, and anything else as JSON.stringify does', () => {
    const value = readJsonText('{"data":{"userData":{"z":1,"7":2}}}');
    expect(writeJsonText(value)).toBe('{"data":{"userData":{"z":1,"7":2}}}');
    expect(writeJsonText({ a: [1, 'x'], b: undefined })).toBe('{"a":[1,"x"]}');
  });
});

describe('form parameter names (servlet reading)', () => {
  it.each([
    ['userData[a]', ['userData', 'a']],
    ['userData[a][b][c]', ['userData', 'a', 'b', 'c']],
    ['userData[a]b]', ['userData', 'a]b']],
    ['userData[[a]]', ['userData', '[a]']],
    ['userData[x[1]', ['userData', 'x[1']],
    ['userData[0]', ['userData', '0']],
    ['plain', ['plain']],
    ['[lead]', ['[lead]']],
  ])('%s → %j', (name, path) => {
    expect(namePath(name)).toEqual(path);
  });

  it.each([['userData[]'], ['userData[l][]'], ['userData[l][0]'], ['userData[a]x']])('%s is refused naming it', (name) => {
    expect(() => namePath(name)).toThrow(name);
  });

  it('formName gives a name only when it reads back as the same path', () => {
    expect(formName('change', ['a]b'])).toBe('change[a]b]');
    expect(formName('change', ['a', 'b'])).toBe('change[a][b]');
    expect(formName('change', ['a][b'])).toBeUndefined();
    expect(formName('change', ['a', 'b]'])).toBeUndefined();
    expect(formName('change', ['l', '3'])).toBeUndefined();
  });
});
