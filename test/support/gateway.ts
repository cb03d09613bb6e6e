import { buildConfig } from '../../src/gateway-config';
import { silentLogger, type Logger } from '../../src/core/logger';
import { startGateway as start } from '../../src/main';

export interface TestGateway {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the real gateway on 127.0.0.1 and a free port. `config` is the config file's content as an object
 * (DESIGN §6); absent, the built-in defaults (every dialect on the memory backend).
 */
export async function startGateway(config: unknown = {}, options: { env?: Record<string, string>; logger?: Logger } = {}): Promise<TestGateway> {
  const built = buildConfig(config, options.env ?? {});
  built.server.port = 0;
  built.server.host = '127.0.0.1';
  built.server.shutdownTimeoutMs = 1000;
  const running = await start(built, options.logger ?? silentLogger);
  return { url: running.url, close: () => running.shutdown() };
}
