import type { CreateCommand } from '../../src/core/command';
import type { Driver } from '../../src/core/driver';
import type { Created } from '../../src/core/interaction';
import { startGateway } from '../support/gateway';
import { Harness } from './contract-harness';
import { createCases } from './create-cases';
import { coreCases, type CaseBody } from './core-cases';
import { fidelityCases } from './fidelity-cases';

const CASES = { ...createCases, ...coreCases, ...fidelityCases };

/** Every case of the contract, by name: the names a driver may skip. */
export type CaseName = keyof typeof CASES;
export const CASE_NAMES = Object.keys(CASES) as CaseName[];
/** The cases that need a wire as rich as the canonical model (typed values, nesting, duplicates, timestamps). */
export const FIDELITY_CASE_NAMES = Object.keys(fidelityCases) as CaseName[];
/** The cases that need nothing but create: all that a create-only backend can be held to. */
export const CREATE_CASE_NAMES = Object.keys(createCases) as CaseName[];

export interface ContractEnv {
  driver: Driver;
  /** For a driver with no create: makes an interaction on its upstream for the cases to work on. */
  seed?: (command: CreateCommand) => Promise<Created>;
  teardown(): Promise<void>;
}

/**
 * A driver against a real server of its dialect: the gateway's own inbound over the memory backend, started at
 * `backUrl` for `create` to point the driver at; `backConfig` is that gateway's config file, as an object.
 */
export async function againstOwnGateway(create: (backUrl: string) => Driver, backConfig: unknown = {}): Promise<ContractEnv> {
  const back = await startGateway(backConfig);
  const driver = create(back.url);
  return {
    driver,
    teardown: async () => {
      await driver.close();
      await back.close();
    },
  };
}

export interface ContractOptions {
  /** Cases this driver cannot pass, each with the reason, shown in the skipped test's title. */
  skip?: Partial<Record<CaseName, string>>;
}

/**
 * The canonical behaviour every driver is held to (DESIGN §5), as one jest `describe`. `setup` runs once; the
 * cases use their own service names and externalIds, so they can share an upstream with other runs.
 */
export function runDriverContract(name: string, setup: () => Promise<ContractEnv>, options: ContractOptions = {}): void {
  describe(`driver contract: ${name}`, () => {
    let env: ContractEnv | undefined;
    let harness: Harness | undefined;

    beforeAll(async () => {
      env = await setup();
      harness = new Harness(env.driver, name, env.seed);
    });

    afterAll(async () => {
      await env?.teardown();
    });

    for (const caseName of CASE_NAMES) {
      const reason = options.skip?.[caseName];
      if (reason !== undefined) {
        if (reason.trim() === '') throw new Error(`skipping "${caseName}" for ${name} needs a reason`);
        test.skip(`${caseName} (${reason})`, () => {});
        continue;
      }
      const body: CaseBody = CASES[caseName];
      test(caseName, async () => {
        if (!harness) throw new Error(`setup of the ${name} driver failed`);
        await body(harness);
      });
    }
  });
}
