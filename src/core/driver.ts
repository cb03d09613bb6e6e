import type { z } from 'zod';
import { COMMAND_KINDS, type CommandKind, type CommandOf, type ResultOf } from './command';
import type { Logger } from './logger';

/** One method per command kind the backend serves; a missing one is `unsupported`, answered before any I/O. */
export type CommandHandlers = { [K in CommandKind]?: (command: CommandOf<K>) => Promise<ResultOf<K>> };

export interface DriverHealth {
  ok: boolean;
  detail?: string;
}

export interface Driver extends CommandHandlers {
  /**
   * The service of an interaction known by id alone, for backends that can tell without a service (the memory
   * contact center). Others leave it out: the gateway's id index remembers what they created or read.
   */
  locate?(id: string): Promise<string | undefined>;
  health(): Promise<DriverHealth>;
  /** Lets upstream calls in flight end for up to `graceMs` (default: no limit), then cuts them (shutdown). */
  close(graceMs?: number): Promise<void>;
}

/** What a driver may be given: nothing reaches for globals or process.env. */
export interface DriverDeps {
  /** The backend's name in the config, for logs, metrics and breaker state. */
  backendName: string;
  logger: Logger;
  now: () => Date;
}

export interface DriverDefinition<Config extends { driver: string } = { driver: string }, Deps extends DriverDeps = DriverDeps> {
  name: Config['driver'];
  configSchema: z.ZodType<Config>;
  /** The API's base path a `baseUrl` ends in (DESIGN §5 driver conventions), checked at start; absent: no baseUrl. */
  basePath?: string;
  create(deps: Deps, config: Config): Driver;
}

export function capabilitiesOf(driver: Driver): CommandKind[] {
  return COMMAND_KINDS.filter((k) => typeof driver[k] === 'function');
}
