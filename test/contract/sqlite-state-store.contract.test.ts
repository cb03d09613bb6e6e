import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStateStore } from '../../src/store/sqlite.state-store';
import { runStateStoreContract } from './state-store-contract';

runStateStoreContract(
  'sqlite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omgw-sqlite-'));
    const path = join(dir, 'state.db');
    const store = new SqliteStateStore({ path });
    return {
      store,
      // A second handle on the same file, as a second process or a restart would open it.
      reopen: async () => new SqliteStateStore({ path }),
      async teardown() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { shared: true },
);
