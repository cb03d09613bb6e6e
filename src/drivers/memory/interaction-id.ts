/**
 * Interaction ids shaped like GMS's ("01QG0Q2S5S50G000"): 16 characters of base 32 (0-9, A-V), whose
 * lexicographic order is the order they were made in. The first 10 characters are the millisecond, the last 6 a
 * counter, so ids strictly increase within one process even when many share a millisecond or the clock steps back.
 * The counter starts at a random point each millisecond so that one id does not give away its neighbours and two
 * gateway processes seldom make the same id.
 */
export const INTERACTION_ID_PATTERN = /^[0-9A-V]{16}$/;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUV';
const TIME_CHARS = 10;
const COUNTER_CHARS = 6;
const COUNTER_LIMIT = 32 ** COUNTER_CHARS;

export type InteractionIdGenerator = (timeMs: number) => string;

export function createInteractionIdGenerator(random: () => number = Math.random): InteractionIdGenerator {
  let lastTime = -1;
  let counter = 0;
  return (timeMs) => {
    const time = Math.floor(timeMs);
    if (time > lastTime) {
      lastTime = time;
      counter = Math.floor(random() * COUNTER_LIMIT);
    } else if (++counter >= COUNTER_LIMIT) {
      // The counter ran out within one millisecond: borrow the next one rather than repeat or go back.
      lastTime += 1;
      counter = 0;
    }
    return encode(lastTime, TIME_CHARS) + encode(counter, COUNTER_CHARS);
  };
}

function encode(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET.charAt(rest % 32) + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}
