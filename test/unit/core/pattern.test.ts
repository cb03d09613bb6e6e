import { compilePattern } from '../../../src/core/pattern';

describe('service-name patterns', () => {
  it.each([
    ['*', 'anything', true],
    ['*', '', true],
    ['customer-*', 'customer-support', true],
    ['customer-*', 'customer-', true],
    ['customer-*', 'my-customer-support', false],
    ['*-support', 'customer-support', true],
    ['a*b*c', 'a-x-b-y-c', true],
    ['a*b*c', 'a-x-c', false],
    ['orders', 'orders', true],
    ['orders', 'orders2', false],
    // Regex characters in a pattern are literal.
    ['a.b', 'axb', false],
    ['a.b', 'a.b', true],
    ['(x)+', '(x)+', true],
  ])('%s against %s → %s', (pattern, name, expected) => {
    expect(compilePattern(pattern)(name)).toBe(expected);
  });
});
