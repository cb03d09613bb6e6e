import { silentLogger } from '../../src/core/logger';
import { RedisStateStore } from '../../src/store/redis.state-store';
import { describeWithRedis, startRedis } from '../support/redis';
import { runStateStoreContract } from './state-store-contract';

describeWithRedis('redis state store', () => {
  runStateStoreContract(
    'redis',
    async () => {
      const server = await startRedis();
      const open = () => new RedisStateStore({ url: server.url, keyPrefix: 'contract:', timeoutMs: 2000, logger: silentLogger });
      const store = open();
      return {
        store,
        // A second client: another gateway replica on the same Redis.
        reopen: async () => open(),
        async teardown() {
          await store.close();
          await server.close();
        },
      };
    },
    { shared: true },
  );
});
