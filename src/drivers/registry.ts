import { z } from 'zod';
import type { Driver, DriverDefinition } from '../core/driver';
import type { HttpDriverDeps } from './http/upstream';
import { gmsDriverConfigSchema } from './gms/gms.config';
import { gmsDriver } from './gms/gms.driver';
import { memoryConfigSchema, memoryDriver } from './memory';
import { nexusDriverConfigSchema } from './nexus/nexus.config';
import { nexusDriver } from './nexus/nexus.driver';
import { oracleDriverConfigSchema } from './oracle/oracle.config';
import { oracleDriver } from './oracle/oracle.driver';
import { vspDriverConfigSchema } from './vsp/vsp.config';
import { vspDriver } from './vsp/vsp.driver';
import { wweDriverConfigSchema } from './wwe/wwe.config';
import { wweDriver } from './wwe/wwe.driver';

/**
 * Every backend driver, keyed by the `driver:` value of its config. The config schema is the union of the
 * drivers' own schemas, so a backend config is validated by the driver that will run it.
 */
export const backendConfigSchema = z.discriminatedUnion('driver', [
  memoryConfigSchema,
  nexusDriverConfigSchema,
  gmsDriverConfigSchema,
  oracleDriverConfigSchema,
  vspDriverConfigSchema,
  wweDriverConfigSchema,
]);
export type BackendConfig = z.output<typeof backendConfigSchema>;

type Registry = { [K in BackendConfig['driver']]: DriverDefinition<Extract<BackendConfig, { driver: K }>, HttpDriverDeps> };

export const driverRegistry: Registry = {
  memory: memoryDriver,
  nexus: nexusDriver,
  gms: gmsDriver,
  oracle: oracleDriver,
  vsp: vspDriver,
  wwe: wweDriver,
};

/** Deps carry every driver kind's extras (e.g. the upstream observer); a driver reads the ones it needs. */
export function createDriver(config: BackendConfig, deps: HttpDriverDeps): Driver {
  const definition = driverRegistry[config.driver] as DriverDefinition<BackendConfig, HttpDriverDeps>;
  return definition.create(deps, config);
}
