import type { StateStore } from '../core/state-store';
import { MemoryStateStore } from './memory.state-store';
import type { StoreConfig } from './store.config';

type Factories = { [K in StoreConfig['kind']]: (config: Extract<StoreConfig, { kind: K }>) => StateStore };

/** Every state store, keyed by `store.kind`: a kind without a factory is a compile error. */
const factories: Factories = {
  memory: (config) => new MemoryStateStore({ maxEntries: config.maxEntries, maxBytes: config.maxBytes }),
  sqlite: () => {
    throw new Error('store kind "sqlite" is not available yet');
  },
  redis: () => {
    throw new Error('store kind "redis" is not available yet');
  },
};

export function createStateStore(config: StoreConfig): StateStore {
  return (factories[config.kind] as (c: StoreConfig) => StateStore)(config);
}
