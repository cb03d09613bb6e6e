import { createServer, type Server, type ServerResponse } from 'node:http';
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

/** The gateway could not start for an operational reason (port in use…); its message is the whole story. */
export class StartError extends Error {
  override name = 'StartError';
}

export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const gateway = createGateway(config, { logger });
  for (const w of gateway.warnings) logger.warn(w);
  // Answers still being written when shutdown starts: they are told to close their connection, so a keep-alive
  // client does not hold the drain open until shutdownTimeoutMs.
  const open = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    if (closing) res.setHeader('connection', 'close');
    else {
      open.add(res);
      res.once('close', () => open.delete(res));
    }
    gateway.listener(req, res);
  });
  // A load balancer's idle timeout is usually 60 s; closing keep-alive sockets later than it avoids resets.
  server.headersTimeout = 66_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.server.port, config.server.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await gateway.close();
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new StartError(`cannot listen on ${config.server.host}:${config.server.port}: ${code}`, { cause: err });
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const shutdown = () =>
    (closing ??= (async () => {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const res of open) if (!res.headersSent) res.setHeader('connection', 'close');
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), config.server.shutdownTimeoutMs);
      await drained;
      clearTimeout(timer);
      await gateway.close();
    })());
  return { server, gateway, url: `http://${host}:${address.port}`, shutdown };
}

/**
 * SIGTERM/SIGINT: drain and exit 0; a second signal exits at once. A cluster worker listens to SIGTERM only: a
 * Ctrl-C reaches the whole process group, and the primary, which got it too, sends each worker its SIGTERM.
 */
export function exitOnSignals(running: RunningGateway, logger: Logger, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
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
  for (const signal of signals) process.on(signal, onSignal);
  if (!signals.includes('SIGINT')) process.on('SIGINT', () => undefined);
}
