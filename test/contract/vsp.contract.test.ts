import { silentLogger } from '../../src/core/logger';
import { vspDriverConfigSchema } from '../../src/drivers/vsp/vsp.config';
import { vspDriver } from '../../src/drivers/vsp/vsp.driver';
import { againstOwnGateway, CASE_NAMES, CREATE_CASE_NAMES, runDriverContract, type CaseName } from './driver-contract';

const KEY = 'contract-vsp-key';

/** Every case that reads, updates or stops: VSP's API has create only, and so do the driver's capabilities. */
const CREATE_ONLY = 'needs get, update or stop: VSP’s API creates interactions only (capabilities: create)';
const capabilitySkips = Object.fromEntries(CASE_NAMES.filter((name) => !CREATE_CASE_NAMES.includes(name)).map((name) => [name, CREATE_ONLY])) as Partial<
  Record<CaseName, string>
>;

/** The vsp driver against a real VSP server: the gateway's own VSP inbound over the memory backend. */
runDriverContract(
  'vsp',
  () =>
    againstOwnGateway(
      (backUrl) =>
        vspDriver.create(
          { backendName: 'partner', logger: silentLogger, now: () => new Date() },
          vspDriverConfigSchema.parse({
            driver: 'vsp',
            baseUrl: `${backUrl}/api`,
            appAccessKey: KEY,
            accountId: '6925ebd4-125d-4338-a736-99f4b5bcb3d7',
            contactId: '3d6ab237-6e5e-4e4a-b76a-4ebe7d89b9e0',
          }),
        ),
      { inbound: { vsp: { appAccessKeys: [KEY] } } },
    ),
  { skip: capabilitySkips },
);
