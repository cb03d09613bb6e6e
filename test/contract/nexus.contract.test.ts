import { silentLogger } from '../../src/core/logger';
import { nexusDriverConfigSchema } from '../../src/drivers/nexus/nexus.config';
import { nexusDriver } from '../../src/drivers/nexus/nexus.driver';
import { againstOwnGateway, runDriverContract } from './driver-contract';

const NO_CREATE_FIELD = 'Nexus createInteractionRequest has no field for it; the upstream applies its service defaults';

/** The nexus driver against a real Nexus server: the gateway's own Nexus inbound over the memory backend. */
runDriverContract(
  'nexus',
  () =>
    againstOwnGateway((backUrl) =>
      nexusDriver.create(
        { backendName: 'cloud', logger: silentLogger, now: () => new Date() },
        nexusDriverConfigSchema.parse({ driver: 'nexus', baseUrl: `${backUrl}/nexus/v3`, apiKey: 'contract-key' }),
      ),
    ),
  {
    skip: {
      'fidelity: add with keepDuplicates keeps both entries': 'Nexus user data is a JSON object: a key holds one value',
      'fidelity: type, subtype and media type kept': NO_CREATE_FIELD,
      'fidelity: queue kept': NO_CREATE_FIELD,
    },
  },
);
