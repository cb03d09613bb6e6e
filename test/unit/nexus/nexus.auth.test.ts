import { GatewayError } from '../../../src/core/errors';
import { createApiKeyCheck } from '../../../src/inbound/nexus/nexus.auth';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as GatewayError).code;
  }
  return 'ok';
}

describe('nexus x-api-key', () => {
  const check = createApiKeyCheck({ k1: { services: ['customer-*'] }, k2: { services: ['*'] } });

  it('accepts a known key for its services and labels the client without the key', () => {
    expect(check('k1', 'customer-support')).toMatchObject({ label: 'key#0', key: 'nexus:key#0' });
    expect(check('k2', 'anything')).toMatchObject({ label: 'key#1' });
  });

  it('answers 401 for a missing, empty or unknown key and 403 outside the key scope', () => {
    expect(codeOf(() => check(undefined, 'customer-a'))).toBe('unauthorized');
    expect(codeOf(() => check('', 'customer-a'))).toBe('unauthorized');
    expect(codeOf(() => check('k3', 'customer-a'))).toBe('unauthorized');
    expect(codeOf(() => check('k1x', 'customer-a'))).toBe('unauthorized');
    expect(codeOf(() => check('k1', 'sales'))).toBe('forbidden');
  });

  it('accepts any non-empty key when no apiKeys are configured, without showing it', () => {
    const open = createApiKeyCheck(undefined);
    const label = open('secret-value', 'any');
    expect(label).not.toContain('secret');
    expect(open('secret-value', 'other')).toBe(label);
    expect(open('another', 'any')).not.toBe(label);
    expect(codeOf(() => open('', 'any'))).toBe('unauthorized');
    expect(codeOf(() => open(undefined, 'any'))).toBe('unauthorized');
  });
});
