import type { Logger } from '../core/logger';
import type { StateStore } from '../core/state-store';
import { MemoryStateStore } from './memory.state-store';
import type { StoreConfig } from './store.config';

export interface StateStoreDeps {
  logger: Logger;
}

type Factories = { [K in StoreConfig['kind']]: (config: Extract<StoreConfig, { kind: K }>, deps: StateStoreDeps) => StateStore };

/**
 * Every state store, keyed by `store.kind`: a kind without a factory is a compile error. The shared stores are
 * loaded only when configured: @redis/client alone is some 400 modules and 15 MiB of resident memory that a
 * gateway on the memory or sqlite store would carry for nothing.
 */
const factories: Factories = {
  memory: (config) => new MemoryStateStore({ maxEntries: config.maxEntries, maxBytes: config.maxBytes }),
  sqlite: (config) => {
    const { SqliteStateStore } = require('./sqlite.state-store') as typeof import('./sqlite.state-store');
    return new SqliteStateStore({ path: config.path, busyTimeoutMs: config.busyTimeoutMs });
  },
  redis: (config, deps) => {
    const { RedisStateStore } = require('./redis.state-store') as typeof import('./redis.state-store');
    return new RedisStateStore({ url: config.url, keyPrefix: config.keyPrefix, timeoutMs: config.timeoutMs, logger: deps.logger });
  },
};

export function createStateStore(config: StoreConfig, deps: StateStoreDeps): StateStore {
  return (factories[config.kind] as (c: StoreConfig, d: StateStoreDeps) => StateStore)(config, deps);
}
