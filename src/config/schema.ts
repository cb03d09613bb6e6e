import { z } from 'zod';
import { DEFAULT_IDEMPOTENCY } from '../core/idempotency.stage';
import { DEFAULT_OUTBOX } from '../core/outbox.worker';
import { storeConfigSchema } from '../store/store.config';
import { rateLimitSchema } from '../http/rate-limit.config';
import { boolValue, byteSizeValue, intValue, workersValue } from './coerce';

/** The config file (DESIGN §6, a contract): unknown keys anywhere are errors, so typos never pass silently. */

const serverSchema = z
  .object({
    port: intValue(0, 65535).default(8080),
    host: z.string().min(1).default('0.0.0.0'),
    bodyLimit: byteSizeValue().default(1024 * 1024),
    /** Fields of a form, or keys of a JSON body, at every depth. */
    maxFields: intValue(1).default(1000),
    /** Overall deadline of one inbound request, upstream retries included. */
    requestTimeoutMs: intValue(1).default(30000),
    /** How long SIGTERM waits for in-flight requests before closing what is left. */
    shutdownTimeoutMs: intValue(0).default(10000),
    /** Time allowed for a request's headers (slow-header clients are cut off); at most requestTimeoutMs. */
    headersTimeoutMs: intValue(1).default(10000),
    /** How long an idle keep-alive connection stays open; above a load balancer's idle timeout (often 60 s). */
    keepAliveTimeoutMs: intValue(0).default(65000),
    /** Concurrent connections at most; more are closed as they arrive. */
    maxConnections: intValue(1).default(10000),
    /** Per client (a credential, else the remote address): a token bucket; absent, no limit (DESIGN §6). */
    rateLimit: rateLimitSchema.optional(),
    /** Failed authentications per remote address, limited apart from everything else so keys cannot be guessed at speed. */
    authFailureLimit: rateLimitSchema.default({ rate: 1, burst: 30 }),
    /** Processes serving the one port (node:cluster); `auto` is one per CPU. */
    workers: workersValue().default(1),
    /** Browser origins allowed to call the dialects (CORS); none by default, `*` for any. */
    cors: z
      .object({
        origins: z
          .array(z.string().regex(/^(?:\*|https?:\/\/[^/\s?#]+\/?)$/i, { error: 'must be an origin such as https://app.example:8443, or *' }))
          .default([]),
      })
      .strict()
      .default({ origins: [] }),
  })
  .strict();

const serviceSchema = z
  .object({
    interactionType: z.string().min(1).optional(),
    interactionSubtype: z.string().min(1).optional(),
    mediaType: z.string().min(1).optional(),
    queue: z.string().min(1).optional(),
    allowOverwrite: boolValue().default(false),
  })
  .strict();

const routeSchema = z.object({ service: z.string().min(1), backend: z.string().min(1) }).strict();

const loggingSchema = z
  .object({
    level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    /** User-data keys whose values never reach a log line (card numbers, national ids…). */
    sensitiveKeys: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** Idempotency records (DESIGN §7): how long a write's first answer is replayed, how long a retry waits for it. */
const idempotencySchema = z
  .object({
    ttlMs: intValue(1).default(DEFAULT_IDEMPOTENCY.ttlMs),
    waitMs: intValue(0).default(DEFAULT_IDEMPOTENCY.waitMs),
  })
  .strict();

/** The outbox of backends with `outbox: true` (DESIGN §7); see core/outbox.worker.ts. */
const outboxSchema = z
  .object({
    maxItems: intValue(1).default(DEFAULT_OUTBOX.maxItems),
    retryMs: intValue(1).default(DEFAULT_OUTBOX.retryMs),
    maxRetryMs: intValue(1).default(DEFAULT_OUTBOX.maxRetryMs),
    leaseMs: intValue(1).default(DEFAULT_OUTBOX.leaseMs),
  })
  .strict();

const DEFAULT_BACKEND = 'sim';

/** What a backend's baseUrl check finds (the driver registry's `checkBaseUrl`): an error stops the gateway. */
export type BaseUrlCheck = (driver: string, baseUrl: unknown) => { level: 'error' | 'warning'; message: string } | undefined;

/**
 * The parts of the config that only the registries know, since each dialect and each driver owns its section's
 * schema: composed by the inbound and driver registries, never named here.
 */
export interface ConfigSections<Inbound extends z.ZodType, Backend extends z.ZodType> {
  /** `inbound:`, every dialect's section with its defaults; absent, all of them with theirs. */
  inbound: Inbound;
  /** One entry of `backends:`, chosen by its `driver:`. */
  backend: Backend;
  checkBaseUrl: BaseUrlCheck;
}

/** The whole config file's schema, around the sections the registries give. */
export function composeGatewayConfigSchema<Inbound extends z.ZodType, Backend extends z.ZodType>(sections: ConfigSections<Inbound, Backend>) {
  const { inbound, backend, checkBaseUrl } = sections;
  // The embedded contact center, when the file names no backend (DESIGN §6); every registry has `memory`.
  const defaultBackends = { [DEFAULT_BACKEND]: { driver: 'memory' } } as unknown as Record<string, z.output<Backend>>;
  return z
    .object({
      server: serverSchema.default(serverSchema.parse({})),
      inbound,
      backends: z.record(z.string().min(1), backend).default(defaultBackends),
      services: z.record(z.string().min(1), serviceSchema).default({}),
      /** First match wins. Absent: every service goes to the first backend. */
      routes: z.array(routeSchema).optional(),
      store: storeConfigSchema.default(storeConfigSchema.parse({ kind: 'memory' })),
      idempotency: idempotencySchema.default(idempotencySchema.parse({})),
      outbox: outboxSchema.default(outboxSchema.parse({})),
      logging: loggingSchema.default(loggingSchema.parse({})),
    })
    .strict()
    // Runs even when other parts of the file are invalid (`when`), so one pass lists every problem; the value may
    // then be partly unparsed, hence the defensive reads.
    .superRefine((config, ctx) => checkReferences(config as unknown, ctx, checkBaseUrl), { when: () => true })
    .superRefine((config, ctx) => checkWorkers(config as unknown as WorkersView, ctx))
    .transform((config) => ({
      ...config,
      routes: config.routes ?? [{ service: '*', backend: Object.keys(config.backends)[0] ?? DEFAULT_BACKEND }],
    }));
}

function checkReferences(config: unknown, ctx: z.RefinementCtx, checkBaseUrl: BaseUrlCheck): void {
  if (!isRecord(config)) return;
  const { backends, routes } = config;
  if (!isRecord(backends)) return;
  // An empty record is worth saying only when no entry of it was itself rejected (its keys are then dropped).
  if (Object.keys(backends).length === 0 && !ctx.issues.some((i) => i.path?.[0] === 'backends')) {
    ctx.addIssue({ code: 'custom', path: ['backends'], message: 'at least one backend is required' });
  }
  for (const [name, backend] of Object.entries(backends)) {
    const finding = isRecord(backend) && typeof backend.driver === 'string' ? checkBaseUrl(backend.driver, backend.baseUrl) : undefined;
    if (finding?.level === 'error') ctx.addIssue({ code: 'custom', path: ['backends', name, 'baseUrl'], message: finding.message });
  }
  if (!Array.isArray(routes)) return;
  routes.forEach((route: unknown, i) => {
    const backend = isRecord(route) ? route.backend : undefined;
    if (typeof backend === 'string' && backend !== '' && !Object.hasOwn(backends, backend)) {
      ctx.addIssue({ code: 'custom', path: ['routes', i, 'backend'], message: `unknown backend "${backend}" (backends: ${Object.keys(backends).join(', ') || 'none'})` });
    }
  });
}

/**
 * Several workers are several processes: whatever lives in one process's memory would differ between them, and
 * a request would see whichever copy its connection landed on. The embedded contact center keeps its
 * interactions so; the memory store keeps the idempotency records and the id index so, and a retry reaching
 * another worker would run twice (DESIGN §7: scale out through a shared store).
 */
interface WorkersView {
  server: { workers: number | 'auto' };
  backends: Record<string, { driver: string }>;
  store: { kind: string };
}

function checkWorkers(config: WorkersView, ctx: z.RefinementCtx): void {
  const { workers } = config.server;
  if (workers === 1) return;
  const inMemory = Object.entries(config.backends).filter(([, b]) => b.driver === 'memory').map(([name]) => name);
  if (inMemory.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['server', 'workers'],
      message:
        `workers: ${workers} runs several processes, but ${inMemory.length > 1 ? 'backends' : 'backend'} ${inMemory.map((n) => `"${n}"`).join(', ')} ` +
        `${inMemory.length > 1 ? 'use' : 'uses'} the embedded memory contact center, whose interactions live in one process; use workers: 1 with it`,
    });
  }
  if (config.store.kind === 'memory') {
    ctx.addIssue({
      code: 'custom',
      path: ['server', 'workers'],
      message:
        `workers: ${workers} runs several processes, but store: memory keeps idempotency records and the id index in each ` +
        'process, so a retry reaching another worker would run twice; use store: sqlite or redis, which the workers share',
    });
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
