import { randomFillSync } from 'node:crypto';

/** Random bytes for this many ids are drawn at once, as node:crypto's randomUUID does. */
const IDS_PER_DRAW = 128;
const random = Buffer.alloc(16 * IDS_PER_DRAW);
let next = random.length;
const text = Buffer.alloc(36);
const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** Where each of the 16 bytes goes in the 36 characters (8-4-4-4-12). */
const AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
text.fill('-');

/**
 * A random (version 4) UUID, as crypto.randomUUID() writes it, from the same source. Written into a buffer and read
 * as one string: randomUUID concatenates twenty pieces, each a string of its own, on every idempotent write.
 */
export function newUuid(): string {
  if (next === random.length) {
    randomFillSync(random);
    next = 0;
  }
  for (let i = 0; i < 16; i++) {
    let byte = random[next + i]!;
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    else if (i === 8) byte = (byte & 0x3f) | 0x80;
    text[AT[i]!] = HEX[byte >> 4]!;
    text[AT[i]! + 1] = HEX[byte & 0x0f]!;
  }
  next += 16;
  return text.toString('latin1');
}
