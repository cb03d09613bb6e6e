import { expectGatewayError, strings } from './contract-harness';
import type { CaseBody } from './core-cases';

/**
 * What a create alone shows, with no read to check it by: the cases a create-only backend (VSP) is held to, and
 * every other driver too.
 */
export const createCases = {
  'create answers an id and its externalId': async (h) => {
    const externalId = h.externalId();
    const created = await h.create({ externalId, userData: strings({ k: 'v' }) });
    expect(typeof created.id).toBe('string');
    expect(created.id).not.toBe('');
    expect(created.externalId).toBe(externalId);
  },

  'creates without externalId get distinct ids': async (h) => {
    const first = await h.create({ userData: strings({ n: '1' }) });
    const second = await h.create({ userData: strings({ n: '2' }) });
    expect(first.externalId).toBeUndefined();
    expect(second.id).not.toBe(first.id);
  },

  'another create with a live externalId is already_exists': async (h) => {
    const externalId = h.externalId();
    await h.create({ externalId, userData: strings({ InteractionName: 'first' }) });
    // A different create, not a retry of the first (which an idempotent upstream would answer as the first).
    await expectGatewayError(h.create({ externalId, userData: strings({ InteractionName: 'second' }) }), 'already_exists');
  },
} satisfies Record<string, CaseBody>;
