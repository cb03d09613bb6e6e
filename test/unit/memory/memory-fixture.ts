import type { CommandContext, CreateCommand, InteractionRef, UpdateCommand } from '../../../src/core/command';
import type { Driver } from '../../../src/core/driver';
import { silentLogger } from '../../../src/core/logger';
import type { Retention } from '../../../src/drivers/memory/memory.store';
import type { MemoryDriverConfig } from '../../../src/drivers/memory/memory.config';
import { memoryDriver } from '../../../src/drivers/memory/memory.driver';

/** A memory driver on a clock the test moves, and the canonical commands it needs, all in service `svc`. */
export function memoryFixture(retention?: Partial<Retention>, limits: Pick<MemoryDriverConfig, 'maxLive' | 'maxUserDataBytes' | 'maxBytes'> = {}) {
  let nowMs = Date.parse('2026-11-25T12:00:00.000Z');
  const full = retention && { maxStoppedAgeMs: 86_400_000, maxStopped: 10_000, ...retention };
  const driver = memoryDriver.create(
    { backendName: 'sim', logger: silentLogger, now: () => new Date(nowMs) },
    full ? { driver: 'memory', retention: full, ...limits } : { driver: 'memory', ...limits },
  ) as Required<Driver>;
  const context = (): CommandContext => ({ requestId: 'r', dialect: 'test', receivedAt: new Date(nowMs) });
  const service = 'svc';
  return {
    driver,
    service,
    advance(ms: number) {
      nowMs += ms;
    },
    create: (fields: Partial<Omit<CreateCommand, 'kind' | 'context'>> = {}) =>
      driver.create({ kind: 'create', service, context: context(), userData: [], extra: {}, ...fields }),
    get: (ref: InteractionRef, svc = service) => driver.get({ kind: 'get', service: svc, context: context(), ref }),
    update: (ref: InteractionRef, changes: UpdateCommand['changes']) => driver.update({ kind: 'update', service, context: context(), ref, changes }),
    stop: (ref: InteractionRef) => driver.stop({ kind: 'stop', service, context: context(), ref }),
    context,
  };
}

export const byId = (value: string): InteractionRef => ({ by: 'id', value });
export const byExternalId = (value: string): InteractionRef => ({ by: 'externalId', value });
