import { createRedactor, REDACTED, TRUNCATED } from '../../../src/observability/redact';

describe('log redaction', () => {
  const redact = createRedactor(['CardNumber']);

  it('redacts properties named like secrets, whatever their spelling', () => {
    expect(
      redact({
        headers: { authorization: 'Basic abc', 'x-api-key': 'k', 'Proxy-Authorization': 'p', cookie: 'c', 'set-cookie': 's' },
        NEXUS_API_KEY: 'k2',
        gmsPassword: 'p2',
        AppAccessKey: 'a',
        bearerTokens: ['t'],
        clientSecret: 's',
        requestId: 'r-1',
      }),
    ).toEqual({
      headers: { authorization: REDACTED, 'x-api-key': REDACTED, 'Proxy-Authorization': REDACTED, cookie: REDACTED, 'set-cookie': REDACTED },
      NEXUS_API_KEY: REDACTED,
      gmsPassword: REDACTED,
      AppAccessKey: REDACTED,
      bearerTokens: REDACTED,
      clientSecret: REDACTED,
      requestId: 'r-1',
    });
  });

  it('redacts configured sensitive user-data keys as entries and as properties', () => {
    expect(
      redact({
        userData: [
          { key: 'cardnumber', type: 'str', value: '4111' },
          { key: 'Order', type: 'str', value: 'o-1' },
        ],
        flat: { CardNumber: '4111', Order: 'o-1' },
      }),
    ).toEqual({
      userData: [
        { key: 'cardnumber', type: 'str', value: REDACTED },
        { key: 'Order', type: 'str', value: 'o-1' },
      ],
      flat: { CardNumber: REDACTED, Order: 'o-1' },
    });
  });

  it('never passes through what it did not inspect', () => {
    let deep: unknown = { password: 'p' };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    expect(JSON.stringify(redact(deep))).not.toContain('"p"');
    expect(JSON.stringify(redact(deep))).toContain(TRUNCATED);
  });

  it('does not mutate its input', () => {
    const input = { password: 'p' };
    redact(input);
    expect(input.password).toBe('p');
  });
});
