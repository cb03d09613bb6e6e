import { createServer, ServerResponse, type IncomingMessage, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, type Gateway } from './app';
import { GatewayError } from './core/errors';
import { SlotSet, type Slotted } from './core/slot-set';
import type { Logger } from './core/logger';
import type { GatewayConfig } from './gateway-config';
import { PipeliningGuard } from './http/pipelining';

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

/** The gateway's parts; a part that cannot open (its state store) is an operational failure, told in one line. */
function openGateway(config: GatewayConfig, logger: Logger): Gateway {
  try {
    return createGateway(config, { logger });
  } catch (err) {
    if (err instanceof GatewayError) throw new StartError(err.message, { cause: err });
    throw err;
  }
}

export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const gateway = openGateway(config, logger);
  for (const w of gateway.warnings) logger.warn(w);
  // Answers still being written when shutdown starts: they are told to close their connection, so a keep-alive
  // client does not hold the drain open until shutdownTimeoutMs.
  const open = new SlotSet<TrackedResponse>();
  let closing: Promise<void> | undefined;
  const pipelining = new PipeliningGuard();
  // One shared 'close' listener per response (no closure, no `once` wrapper): this runs on every request.
  function onResponseClose(this: TrackedResponse): void {
    pipelining.answered(this);
    open.delete(this);
  }
  const server = createServer(serverOptions(config.server), (req, res) => {
    if (!pipelining.admit(req)) return;
    if (closing) res.setHeader('connection', 'close');
    else open.add(res);
    res.on('close', onResponseClose);
    gateway.listener(req, res);
  });
  server.maxConnections = config.server.maxConnections;
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
      const started = Date.now();
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const res of open.snapshot()) if (!res.headersSent) res.setHeader('connection', 'close');
      server.closeIdleConnections();
      // What is still pending at the timeout is answered "try again" in its dialect (the caller may retry
      // elsewhere; a create with an externalId is not made twice), then whatever is left is closed.
      const timer = setTimeout(() => {
        gateway.abortInFlight(new GatewayError('upstream_unavailable', 'The gateway is shutting down', { retryAfterSeconds: 1 }));
        setImmediate(() => server.closeAllConnections());
      }, config.server.shutdownTimeoutMs);
      await drained;
      clearTimeout(timer);
      // Upstream calls still pending at the shutdown timeout are cut, so the process ends on time.
      await gateway.close(Math.max(0, started + config.server.shutdownTimeoutMs - Date.now()));
    })());
  return { server, gateway, url: `http://${host}:${address.port}`, shutdown };
}

/** Node's response with its place among the answers still open (see SlotSet: one is added and removed per request). */
class TrackedResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> implements Slotted {
  slot = -1;
}

/**
 * node:http's own timers (DESIGN §8; hostile clients): headers must arrive within headersTimeoutMs, and Node's
 * request timeout backs up the gateway's own (which answers a slow body with the dialect's 408) for requests no
 * dialect claims. Idle keep-alive connections close after keepAliveTimeoutMs. Connections are checked every
 * second, not Node's default 30 s, so a timeout is applied close to when it falls due.
 */
function serverOptions(server: GatewayConfig['server']): ServerOptions<typeof IncomingMessage, typeof TrackedResponse> {
  const requestTimeout = server.requestTimeoutMs + REQUEST_TIMEOUT_BACKSTOP_MS;
  return {
    ServerResponse: TrackedResponse,
    requestTimeout,
    headersTimeout: Math.min(server.headersTimeoutMs, requestTimeout),
    keepAliveTimeout: server.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, server.headersTimeoutMs),
  };
}

/** The gateway's own 408 comes first, in the dialect's form; Node's is for whatever it did not answer. */
const REQUEST_TIMEOUT_BACKSTOP_MS = 1000;

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
