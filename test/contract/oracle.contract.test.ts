import { silentLogger } from '../../src/core/logger';
import { oracleDriverConfigSchema } from '../../src/drivers/oracle/oracle.config';
import { oracleDriver } from '../../src/drivers/oracle/oracle.driver';
import { againstOwnGateway, runDriverContract } from './driver-contract';

const ONE_TENANT = 'an Oracle CX tenant has no services: every service routed to one oracle backend shares its interactions';
const TEXT_VALUES = 'Oracle DataValue is a text attribute: values are sent as text and read back as str';

/** The oracle driver against a real Oracle CX wire: the gateway's own Oracle inbound over the memory backend. */
runDriverContract(
  'oracle',
  () =>
    againstOwnGateway((backUrl) =>
      oracleDriver.create(
        { backendName: 'crmcloud', logger: silentLogger, now: () => new Date() },
        oracleDriverConfigSchema.parse({ driver: 'oracle', baseUrl: `${backUrl}/crmRestApi/resources/11.13.18.05`, timeoutMs: 5000 }),
      ),
    ),
  {
    skip: {
      'same externalId in two services': ONE_TENANT,
      'id of another service is not_found': ONE_TENANT,
      'externalId of another service is not_found': ONE_TENANT,
      'fidelity: int values keep their type': TEXT_VALUES,
      'fidelity: kvlist values nest': `${TEXT_VALUES}; a kvlist goes as JSON text`,
      'fidelity: add with keepDuplicates keeps both entries': 'rows are written by DataKey: a key holds one row',
      'fidelity: stop reason visible on get': 'an Oracle interaction has no stop reason attribute',
      'fidelity: type, subtype and media type kept': 'Oracle has DirectionCd and ChannelTypeCd, not type, subtype and media type',
      'fidelity: queue kept': 'an Oracle create takes no queue: the tenant assigns QueueName',
      'fidelity: timestamps are ISO 8601': 'an Oracle item has no time placed in queue',
    },
  },
);
