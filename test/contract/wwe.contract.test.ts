import type { CreateCommand } from '../../src/core/command';
import { GatewayError } from '../../src/core/errors';
import { silentLogger } from '../../src/core/logger';
import { userDataToObject } from '../../src/core/user-data';
import { wweDriverConfigSchema } from '../../src/drivers/wwe/wwe.config';
import { wweDriver } from '../../src/drivers/wwe/wwe.driver';
import { startGateway } from '../support/gateway';
import { call } from '../support/http-call';
import { workspaceAs } from '../support/workspace';
import { runDriverContract } from './driver-contract';

const AGENT = { username: 'contract-agent', password: 'contract-pw' };
const BY_ID_ONLY = 'Workspace finds an interaction by id only: a ref by externalId is unsupported';
const NO_CREATE = 'Workspace has no create: interactions are seeded through the back gateway’s Nexus API, which has no field for it';
const ACCEPTED = 'Workspace works only what its agent owns: each seeded interaction is accepted, so it reads handling, not queued';
const NO_FIELD = 'the Workspace interaction object has no such field';

/**
 * The wwe driver against a real Workspace server: the gateway's own Workspace inbound over the memory backend.
 * Workspace creates nothing and works only what its agent owns, so each case's interactions are created through
 * the back gateway's Nexus API and accepted there by the agent the driver acts as.
 */
runDriverContract(
  'wwe',
  async () => {
    const back = await startGateway({ inbound: { wwe: { users: { [AGENT.username]: AGENT.password } } } });
    const agent = workspaceAs(() => back.url, AGENT.username, AGENT.password);
    const driver = wweDriver.create(
      { backendName: 'desk', logger: silentLogger, now: () => new Date() },
      wweDriverConfigSchema.parse({ driver: 'wwe', baseUrl: `${back.url}/api/v2`, basicAuth: AGENT, timeoutMs: 5000 }),
    );
    const seed = async (command: CreateCommand) => {
      const body = {
        ...(command.externalId !== undefined && { externalId: command.externalId }),
        ...(command.parentInteractionId !== undefined && { parentInteractionId: command.parentInteractionId }),
        ...(command.receivedAt !== undefined && { receivedAt: command.receivedAt }),
        userData: userDataToObject(command.userData),
      };
      const created = await call(back, `/nexus/v3/openmedia/${encodeURIComponent(command.service)}/interactions`, {
        method: 'POST',
        headers: { 'x-api-key': 'seed', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (created.status === 409) throw new GatewayError('already_exists', 'duplicate externalId');
      const id: string = created.json.data.id;
      const accepted = await agent.operate(id, { operationName: 'Accept' });
      if (accepted.json?.statusCode !== 0) throw new Error(`seed could not accept ${id}: ${accepted.text}`);
      return command.externalId === undefined ? { id } : { id, externalId: command.externalId };
    };
    return {
      driver,
      seed,
      teardown: async () => {
        await driver.close();
        await back.close();
      },
    };
  },
  {
    skip: {
      'create and get by externalId': BY_ID_ONLY,
      'new interaction is queued': ACCEPTED,
      'externalId reusable after stop': ACCEPTED,
      'duplicate externalId is already_exists': 'Workspace has no create: externalId uniqueness belongs to whatever creates interactions',
      'get by externalId prefers the live interaction': BY_ID_ONLY,
      'same externalId in two services': BY_ID_ONLY,
      'update and stop by externalId': BY_ID_ONLY,
      'get after stop shows state stopped': BY_ID_ONLY,
      'stop after stop is conflict': BY_ID_ONLY,
      'unknown externalId is not_found': BY_ID_ONLY,
      'id of another service is not_found': 'Workspace has no services: an id names one interaction in the whole contact center',
      'externalId of another service is not_found': BY_ID_ONLY,
      'fidelity: add with keepDuplicates keeps both entries': 'the Workspace interaction object shows user data as an object: a key shows its last entry',
      'fidelity: stop reason visible on get': 'Complete carries no reason, and the Workspace interaction object shows none',
      'fidelity: type, subtype and media type kept': NO_CREATE,
      'fidelity: queue kept': NO_CREATE,
      'fidelity: parentInteractionId kept': NO_FIELD,
      'fidelity: timestamps are ISO 8601': `${NO_FIELD} (placedInQueueAt, stoppedAt)`,
    },
  },
);
