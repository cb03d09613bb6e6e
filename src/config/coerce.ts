import { z } from 'zod';
import { parseByteSize } from '../http/body';

/**
 * Values written as `${PORT:-8080}` arrive as strings after interpolation (DESIGN §6), so numbers, booleans
 * and sizes accept their string forms too. Coercion is a preprocess rather than a union: a union's failure
 * reads "Invalid input", which tells an operator nothing about what the field wants.
 */

const INTEGER = /^[+-]?\d+$/;

export const intValue = (min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(
    (v) => (typeof v === 'string' && INTEGER.test(v.trim()) ? Number(v.trim()) : v),
    z
      .number({ error: 'expected an integer' })
      .int('expected an integer')
      .min(min, `expected an integer ≥ ${min}`)
      .max(max, `expected an integer ≤ ${max}`),
  );

export const boolValue = () =>
  z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    const text = v.trim().toLowerCase();
    return text === 'true' ? true : text === 'false' ? false : v;
  }, z.boolean({ error: 'expected true or false' }));

/** "1mb", "512kb", "100b" or a number of bytes; the parsed config holds the number of bytes. */
export const byteSizeValue = () =>
  z.preprocess(
    (v) => {
      if (typeof v !== 'string') return v;
      try {
        return parseByteSize(v);
      } catch {
        return v;
      }
    },
    z.number({ error: 'expected a size such as 1mb, 512kb or a number of bytes' }).int().positive('expected a size of at least 1 byte'),
  );

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** A number that may be fractional (a rate per second), at least `min`, or its string form. */
export const numberValue = (min = 0) =>
  z.preprocess(
    (v) => (typeof v === 'string' && NUMBER.test(v.trim()) ? Number(v.trim()) : v),
    z.number({ error: 'expected a number' }).min(min, `expected a number ≥ ${min}`),
  );

const WORKERS = 'expected auto or an integer from 1 to 256';

/** `auto` (one per CPU the process may use) or a count of worker processes; one message for every wrong value. */
export const workersValue = () =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== 'auto' && INTEGER.test(v.trim()) ? Number(v.trim()) : typeof v === 'string' ? v.trim() : v),
    z.union([z.literal('auto'), z.number().int(WORKERS).min(1, WORKERS).max(256, WORKERS)], { error: WORKERS }),
  );
