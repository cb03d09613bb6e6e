import { createInteractionIdGenerator, INTERACTION_ID_PATTERN } from '../../../src/drivers/memory/interaction-id';

describe('interaction ids', () => {
  const at = Date.parse('2026-11-25T12:00:00.000Z');

  it('are 16 characters of base 32 (0-9, A-V), like GMS ids', () => {
    const next = createInteractionIdGenerator();
    for (let i = 0; i < 100; i++) expect(next(at + i)).toMatch(INTERACTION_ID_PATTERN);
    expect('01QG0Q2S5S50G000').toMatch(INTERACTION_ID_PATTERN);
  });

  it('begin with the millisecond, so ids of today start like the spec example', () => {
    const next = createInteractionIdGenerator(() => 0);
    expect(next(at).slice(0, 2)).toBe('01');
  });

  it('strictly increase within one millisecond', () => {
    const next = createInteractionIdGenerator();
    const ids = Array.from({ length: 10_000 }, () => next(at));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('sort in time order across milliseconds', () => {
    const next = createInteractionIdGenerator(() => 0.999);
    const early = next(at);
    const late = next(at + 1);
    expect(late > early).toBe(true);
  });

  it('keep increasing when the clock steps back', () => {
    const next = createInteractionIdGenerator();
    const before = next(at);
    const after = next(at - 60_000);
    expect(after > before).toBe(true);
  });

  it('carry into the next millisecond rather than repeat when the counter runs out', () => {
    const next = createInteractionIdGenerator(() => 1 - Number.EPSILON);
    const last = next(at);
    expect(last.slice(10)).toBe('VVVVVV');
    const carried = next(at);
    expect(carried.slice(10)).toBe('000000');
    expect(carried > last).toBe(true);
    expect(next(at + 1) > carried).toBe(true);
  });

  it('start each millisecond at a random point', () => {
    const low = createInteractionIdGenerator(() => 0)(at);
    const high = createInteractionIdGenerator(() => 0.5)(at);
    expect(low.slice(0, 10)).toBe(high.slice(0, 10));
    expect(low.slice(10)).toBe('000000');
    expect(high.slice(10)).toBe('G00000');
  });
});
