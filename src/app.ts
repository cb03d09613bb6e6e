import type { RequestListener } from 'node:http';
import express, { type Express } from 'express';
import type { CommandKind, CommandOf } from './core/command';
import { Dispatcher, type Dispatched } from './core/dispatcher';
import { awaitAtMost } from './core/await-at-most';
import { createCommandPipeline } from './core/command-pipeline';
import type { Driver } from './core/driver';
import { DEFAULT_INDEX_TTL_MS, InteractionIndex, type InteractionLocation } from './core/interaction-index';
import type { StateStore } from './core/state-store';
import { SlotSet } from './core/slot-set';
import type { Logger } from './core/logger';
import type { GatewayConfig } from './gateway-config';
import { baseUrlWarnings } from './drivers/base-url';
import { createDriver } from './drivers/registry';
import type { GatewayError } from './core/errors';
import { assertInScope } from './http/credentials';
import { createCorsPolicy } from './http/cors';
import { createDialectListener, OPS, type InFlightRequest, type RequestRecord } from './http/listener';
import { RequestLimits } from './http/request-limits';
import { DialectRouter } from './http/router';
import type { InboundDeps, InboundRequest, InboundRouter } from './http/wire';
import { openDialectWarnings } from './inbound/open-dialects';
import { inboundRegistry } from './inbound/registry';
import { createStateStore } from './store/registry';
import { createMetrics, type Metrics } from './observability/metrics';
import { logRequest } from './observability/request-log';

export interface GatewayDeps {
  logger: Logger;
  now?: () => Date;
  /** The gateway's own state; absent, the one `store:` names is created (and closed with the gateway). */
  store?: StateStore;
}

export interface Gateway {
  /** The node:http request listener: dialects first, then the operations app. */
  listener: RequestListener;
  /** Health and other operational endpoints (express). */
  ops: Express;
  /** Start-up warnings worth an operator's attention (e.g. an open credential). */
  warnings: string[];
  /** Answers every dialect request still pending with `error` in its dialect's form (shutdown's last word). */
  abortInFlight(error: GatewayError): void;
  ready(): Promise<{
    ready: boolean;
    /** `outbox`: creates queued for a backend with `outbox: true`. */
    backends: Record<string, { ok: boolean; detail?: string; outbox?: number }>;
    store: { ok: boolean; detail?: string };
  }>;
  /** Stops deliveries and closes backends and store; upstream calls still in flight after `graceMs` are cut. */
  close(graceMs?: number): Promise<void>;
}

/** Wires config into drivers, dispatcher and dialect routers. Listens on nothing: main.ts and tests do. */
export function createGateway(config: GatewayConfig, deps: GatewayDeps): Gateway {
  const now = deps.now ?? (() => new Date());
  const { logger } = deps;
  const metrics = createMetrics();
  const drivers = new Map<string, Driver>();
  for (const [name, backend] of Object.entries(config.backends)) {
    drivers.set(name, createDriver(backend, { backendName: name, logger, now, observer: metrics.upstreamObserver }));
  }
  const dispatcher = new Dispatcher(config.routes, drivers, config.services);
  const store = deps.store ?? createStateStore(config.store, { logger });
  const index = new InteractionIndex(store, { ttlMs: DEFAULT_INDEX_TTL_MS, logger, fallback: locateInBackends(drivers) });
  const pipeline = createCommandPipeline({
    store,
    index,
    dispatcher,
    logger,
    requestTimeoutMs: config.server.requestTimeoutMs,
    idempotency: config.idempotency,
    assignExternalId: backendsWith(config, 'assignExternalId'),
    outbox: { ...config.outbox, backends: backendsWith(config, 'outbox'), recordTtlMs: DEFAULT_INDEX_TTL_MS },
  });
  pipeline.start();

  const limits = new RequestLimits({
    rateLimit: config.server.rateLimit,
    authFailureLimit: config.server.authFailureLimit,
    onLimited: metrics.observeLimited,
  });

  const listAndIndex = async (command: CommandOf<'list'>, req: InboundRequest): Promise<Dispatched<'list'>> => {
    const listed = await dispatcher.list(command);
    req.facts.backend = listed.backend;
    // What a list shows can be worked on by id next (Workspace): indexed as a get's answer is.
    for (const interaction of listed.result) {
      const route = dispatcher.route(interaction.service);
      if (!route.driver.locate) await index.remember(interaction.id, { service: interaction.service, backend: route.backend });
    }
    return listed;
  };

  const inboundDeps: InboundDeps = {
    logger,
    now,
    limits: { maxFields: config.server.maxFields },
    // Not async: the one command a request runs goes to the pipeline without an extra promise and await of its
    // own (this runs on every request); a refusal before it is still a rejected promise, as callers expect.
    execute: <K extends CommandKind>(command: CommandOf<K>, req: InboundRequest): Promise<Dispatched<K>> => {
      try {
        // A dialect that names its request's command keeps it, whatever commands it runs to answer.
        req.facts.command ??= command.kind;
        req.facts.service = command.service;
        if (req.client !== undefined) assertInScope(command, req.client);
        limits.take(req);
        if (command.kind === 'list') return listAndIndex(command as CommandOf<'list'>, req) as Promise<Dispatched<K>>;
        const route = dispatcher.route(command.service);
        req.facts.backend = route.backend;
        return pipeline.run(command, route) as Promise<Dispatched<K>>;
      } catch (err) {
        return Promise.reject(err);
      }
    },
    index,
  };

  const routers: InboundRouter[] = [];
  for (const name of Object.keys(inboundRegistry) as (keyof typeof inboundRegistry)[]) {
    const definition = inboundRegistry[name];
    const dialectConfig = config.inbound[name];
    if (definition && dialectConfig.enabled) {
      routers.push(countingAuthFailures((definition.create as (d: InboundDeps, c: unknown) => InboundRouter)(inboundDeps, dialectConfig), limits));
    }
  }

  const ready: Gateway['ready'] = async () => {
    const backends: Record<string, { ok: boolean; detail?: string; outbox?: number }> = {};
    let storeHealth: { ok: boolean; detail?: string } = { ok: true };
    await Promise.all([
      ...[...drivers].map(async ([name, driver]) => {
        const health = await driver.health().catch((err: unknown) => ({ ok: false, detail: String(err) }));
        const queued = await pipeline.outboxDepth(name).catch(() => undefined);
        backends[name] = queued === undefined ? health : { ...health, outbox: queued };
      }),
      store.health().then(
        (h) => void (storeHealth = h),
        (err: unknown) => void (storeHealth = { ok: false, detail: String(err) }),
      ),
    ]);
    return { ready: storeHealth.ok && Object.values(backends).every((b) => b.ok), backends, store: storeHealth };
  };
  const ops = createOpsApp(ready, metrics);
  const inFlight = new SlotSet<InFlightRequest>();
  const listener = createDialectListener({
    router: new DialectRouter(routers),
    bodyLimit: config.server.bodyLimit,
    requestTimeoutMs: config.server.requestTimeoutMs,
    fallback: ops,
    admit: (req) => limits.admit(req),
    inFlight,
    cors: createCorsPolicy(config.server.cors.origins),
    onDone: (record: RequestRecord) => {
      logRequest(logger, record);
      // Metrics count dialect requests; the operations endpoints (scrapes, probes) only get their log line.
      if (record.facts.dialect !== OPS) metrics.observeRequest(record);
    },
  });
  return {
    listener,
    ops,
    warnings: startupWarnings(config),
    abortInFlight(error) {
      for (const request of inFlight.snapshot()) request.fail(error);
    },
    ready,
    async close(graceMs = Infinity) {
      // Deliveries stop before the backends close; what is still queued stays in the store for the next start.
      // Past graceMs the upstream calls still in flight are cut: a delivery cut so keeps its item queued, its
      // attempt counted (redelivered as an unknown outcome, resolved by externalId).
      const deadline = Date.now() + graceMs;
      const stopping = pipeline.stop();
      await awaitAtMost(stopping, graceMs);
      await Promise.allSettled([...drivers.values()].map((d) => d.close(Math.max(0, deadline - Date.now()))));
      await stopping;
      if (!deps.store) await store.close();
    },
  };
}

/** The backends whose config turns an option on (options every HTTP backend takes; absent elsewhere). */
function backendsWith(config: GatewayConfig, option: 'assignExternalId' | 'outbox'): Set<string> {
  return new Set(Object.entries(config.backends).filter(([, backend]) => (backend as Partial<Record<typeof option, boolean>>)[option] === true).map(([name]) => name));
}

/**
 * Every failed authentication is counted against the caller's address, whichever dialect refused it: the
 * dialect's error rendering sees each one, so no dialect needs to know about the limit.
 */
function countingAuthFailures(router: InboundRouter, limits: RequestLimits): InboundRouter {
  const render = router.renderError;
  return {
    ...router,
    renderError(err, req) {
      if (err.code === 'unauthorized') limits.authFailed(req);
      return render.call(router, err, req);
    },
  };
}

/** Asks, in config order, each backend that can find an id by itself; the first that knows it answers. */
function locateInBackends(drivers: ReadonlyMap<string, Driver>): (id: string) => Promise<InteractionLocation | undefined> {
  return async (id) => {
    for (const [backend, driver] of drivers) {
      const service = await driver.locate?.(id);
      if (service !== undefined) return { service, backend };
    }
    return undefined;
  };
}

function createOpsApp(ready: Gateway['ready'], metrics: Metrics): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const state = await ready();
    res
      .status(state.ready ? 200 : 503)
      .json({ status: state.ready ? 'ready' : 'not ready', backends: state.backends, store: state.store });
  });
  app.get('/metrics', async (_req, res) => {
    const text = await metrics.render();
    // Written as is: express's send() would reorder the content type's parameters.
    res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text) }).end(text);
  });
  app.use((req, res) => {
    res.status(404).json({ error: 'not_found', message: `No route for ${req.method} ${req.path}` });
  });
  return app;
}

function startupWarnings(config: GatewayConfig): string[] {
  return [...baseUrlWarnings(config.backends), ...openDialectWarnings(config.inbound)];
}
