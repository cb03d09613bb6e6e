import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, type Gateway } from './app';
import type { Logger } from './core/logger';
import type { GatewayConfig } from './config/schema';

export interface RunningGateway {
  server: Server;
  gateway: Gateway;
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to shutdownTimeoutMs), closes the backends. */
  shutdown(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const gateway = createGateway(config, { logger });
  for (const w of gateway.warnings) logger.warn(w);
  const server = createServer({ keepAliveTimeout: 65_000 }, gateway.listener);
  // A load balancer's idle timeout is usually 60 s; closing keep-alive sockets later than it avoids resets.
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  const shutdown = () =>
    (closing ??= (async () => {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), config.server.shutdownTimeoutMs);
      await drained;
      clearTimeout(timer);
      await gateway.close();
    })());
  return { server, gateway, url: `http://${host}:${address.port}`, shutdown };
}

/** SIGTERM/SIGINT: drain and exit 0; a second signal exits at once. */
export function exitOnSignals(running: RunningGateway, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info('shutting down', { signal });
    running.shutdown().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error('shutdown failed', { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
