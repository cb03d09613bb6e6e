import { silentLogger } from '../../src/core/logger';
import { memoryDriver } from '../../src/drivers/memory/memory.driver';
import { runDriverContract } from './driver-contract';

runDriverContract('memory', async () => {
  const deps = { backendName: 'sim', logger: silentLogger, now: () => new Date() };
  const driver = memoryDriver.create(deps, { driver: 'memory' });
  return { driver, teardown: () => driver.close() };
});
