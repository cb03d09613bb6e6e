import { z } from 'zod';

/**
 * Values written as `${PORT:-8080}` arrive as strings after interpolation, so numbers and booleans in the
 * config accept their string forms too.
 */
export const intValue = (min = 0) =>
  z.union([z.number(), z.string().regex(/^\d+$/, 'expected an integer').transform(Number)]).pipe(z.number().int().min(min));

export const boolValue = () => z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** "1mb", "512kb", or a number of bytes. */
export const byteSizeValue = () => z.union([z.number().int().positive(), z.string().regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, 'expected a size such as 1mb')]);
