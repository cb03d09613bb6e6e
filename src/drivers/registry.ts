import { z } from 'zod';
import type { Driver, DriverDefinition, DriverDeps } from '../core/driver';
import { memoryConfigSchema, memoryDriver } from './memory';

/**
 * Every backend driver, keyed by the `driver:` value of its config. The config schema is the union of the
 * drivers' own schemas, so a backend config is validated by the driver that will run it.
 */
export const backendConfigSchema = z.discriminatedUnion('driver', [memoryConfigSchema]);
export type BackendConfig = z.output<typeof backendConfigSchema>;

type Registry = { [K in BackendConfig['driver']]: DriverDefinition<Extract<BackendConfig, { driver: K }>> };

export const driverRegistry: Registry = {
  memory: memoryDriver,
};

export function createDriver(config: BackendConfig, deps: DriverDeps): Driver {
  const definition = driverRegistry[config.driver] as DriverDefinition<BackendConfig>;
  return definition.create(deps, config);
}
