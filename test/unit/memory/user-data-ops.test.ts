import type { UserDataChange } from '../../../src/core/command';
import type { UserData } from '../../../src/core/user-data';
import { applyUserDataChanges, deleteKeys, upsertEntries } from '../../../src/drivers/memory/user-data-ops';

const str = (key: string, value: string) => ({ key, type: 'str' as const, value });
const int = (key: string, value: number) => ({ key, type: 'int' as const, value });

describe('user-data changes', () => {
  const base: UserData = [str('a', '1'), str('b', '2'), str('a', '3'), str('c', '4')];

  describe('upsert', () => {
    it('replaces every entry of a key by one, in the first one’s place', () => {
      expect(upsertEntries(base, [str('a', 'x')])).toEqual([str('a', 'x'), str('b', '2'), str('c', '4')]);
    });

    it('appends an absent key', () => {
      expect(upsertEntries(base, [str('d', '5')])).toEqual([...base, str('d', '5')]);
    });

    it('within one batch, a repeated key ends with its last value', () => {
      const out = upsertEntries([str('b', '2')], [str('k', '1'), str('b', '9'), str('k', '2')]);
    expect(out).toEqual([str('b', '9'), str('k', '2')]);
    });

    it('can change an entry’s type', () => {
      expect(upsertEntries([str('n', '1')], [int('n', 1)])).toEqual([int('n', 1)]);
    });
  });

  it('replace of an absent key behaves as upsert', () => {
    const out = applyUserDataChanges([str('a', '1')], [{ op: 'replace', entries: [str('z', '9')] }]);
    expect(out).toEqual([str('a', '1'), str('z', '9')]);
  });

  it('add of a present key behaves as upsert', () => {
    const out = applyUserDataChanges(base, [{ op: 'add', entries: [str('b', 'x')] }]);
    expect(out).toEqual([str('a', '1'), str('b', 'x'), str('a', '3'), str('c', '4')]);
  });

  it('add with keepDuplicates appends a second entry of the key', () => {
    expect(applyUserDataChanges([str('a', '1')], [{ op: 'add', keepDuplicates: true, entries: [str('a', '2')] }])).toEqual([
      str('a', '1'),
      str('a', '2'),
    ]);
  });

  describe('delete', () => {
    it('removes every entry of each key', () => {
      expect(deleteKeys(base, ['a'])).toEqual([str('b', '2'), str('c', '4')]);
    });

    it('ignores an absent key', () => {
      expect(applyUserDataChanges(base, [{ op: 'delete', keys: ['nope'] }])).toEqual(base);
    });
  });

  it('applies changes in order', () => {
    const changes: UserDataChange[] = [
      { op: 'upsert', entries: [str('x', '1')] },
      { op: 'delete', keys: ['x', 'a'] },
      { op: 'add', entries: [str('x', '2')] },
    ];
    expect(applyUserDataChanges(base, changes)).toEqual([str('b', '2'), str('c', '4'), str('x', '2')]);
  });

  it('treats prototype-like keys as plain keys', () => {
    const out = applyUserDataChanges([], [{ op: 'upsert', entries: [str('__proto__', 'p'), str('constructor', 'c')] }]);
    expect(out).toEqual([str('__proto__', 'p'), str('constructor', 'c')]);
  });

  it('mutates neither argument and shares nothing with the changes', () => {
    const userData: UserData = [str('a', '1'), { key: 'kv', type: 'kvlist', value: [str('in', '1')] }];
    const before = structuredClone(userData);
    const entries: UserData = [{ key: 'kv', type: 'kvlist', value: [str('in', '2')] }, str('b', '2')];
    const out = applyUserDataChanges(userData, [{ op: 'upsert', entries }]);
    expect(userData).toEqual(before);
    expect(out).not.toBe(userData);
    const kv = entries[0];
    if (kv?.type === 'kvlist') kv.value.push(str('late', 'x'));
    expect(out).toEqual([str('a', '1'), { key: 'kv', type: 'kvlist', value: [str('in', '2')] }, str('b', '2')]);
  });

  it('returns a new list even when nothing changes', () => {
    const out = applyUserDataChanges(base, [{ op: 'delete', keys: [] }]);
    expect(out).toEqual(base);
    expect(out).not.toBe(base);
  });
});
