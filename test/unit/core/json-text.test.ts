import { jsonString } from '../../../src/core/json-text';

describe('jsonString', () => {
  test('writes every UTF-16 code unit, alone and among plain text, exactly as JSON.stringify does', () => {
    for (let unit = 0; unit <= 0xffff; unit++) {
      const alone = String.fromCharCode(unit);
      expect(jsonString(alone) === JSON.stringify(alone) && jsonString(`a${alone}b`) === JSON.stringify(`a${alone}b`)).toBe(true);
    }
    for (const text of ['', 'plain', 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0', '\ud83d\ude00', '\ud83d', '"\\', 'caf\u00e9']) expect(jsonString(text)).toBe(JSON.stringify(text));
  });
});
