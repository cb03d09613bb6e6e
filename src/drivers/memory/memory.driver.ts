import type { DriverDefinition } from '../../core/driver';
import { DEFAULT_BYTE_LIMITS, DEFAULT_RETENTION, memoryConfigSchema, type MemoryDriverConfig } from './memory.config';
import { MemoryContactCenter } from './memory.contact-center';

/** The embedded contact center: the default backend, and the reference every other driver is held to. */
export const memoryDriver: DriverDefinition<MemoryDriverConfig> = {
  name: 'memory',
  configSchema: memoryConfigSchema,
  create: (deps, config) =>
    new MemoryContactCenter(deps, config.retention ?? DEFAULT_RETENTION, config.maxLive, {
      maxUserDataBytes: config.maxUserDataBytes ?? DEFAULT_BYTE_LIMITS.maxUserDataBytes,
      maxBytes: config.maxBytes ?? DEFAULT_BYTE_LIMITS.maxBytes,
    }),
};
