import { z } from 'zod';
import { backendConfigSchema } from '../drivers/registry';
import { gmsInboundConfigSchema } from '../inbound/gms/gms.config';
import { nexusInboundConfigSchema } from '../inbound/nexus/nexus.config';
import { oracleInboundConfigSchema } from '../inbound/oracle/oracle.config';
import { vspInboundConfigSchema } from '../inbound/vsp/vsp.config';
import { wweInboundConfigSchema } from '../inbound/wwe/wwe.config';
import { boolValue, byteSizeValue, intValue } from './coerce';

/** The config file (DESIGN §6, a contract): unknown keys anywhere are errors, so typos never pass silently. */

const serverSchema = z
  .object({
    port: intValue(0).pipe(z.number().max(65535)).default(8080),
    host: z.string().min(1).default('0.0.0.0'),
    bodyLimit: byteSizeValue().default('1mb'),
    /** Fields of a form, or keys of a JSON body, at every depth. */
    maxFields: intValue(1).default(1000),
    /** Overall deadline of one inbound request, upstream retries included. */
    requestTimeoutMs: intValue(1).default(30000),
    /** How long SIGTERM waits for in-flight requests before closing what is left. */
    shutdownTimeoutMs: intValue(0).default(10000),
  })
  .strict();

const inboundSchema = z
  .object({
    gms: gmsInboundConfigSchema.default(gmsInboundConfigSchema.parse({})),
    nexus: nexusInboundConfigSchema.default(nexusInboundConfigSchema.parse({})),
    wwe: wweInboundConfigSchema.default(wweInboundConfigSchema.parse({})),
    oracle: oracleInboundConfigSchema.default(oracleInboundConfigSchema.parse({})),
    vsp: vspInboundConfigSchema.default(vspInboundConfigSchema.parse({})),
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

const storeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('memory') }).strict(),
  z.object({ kind: z.literal('sqlite'), path: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('redis'), url: z.string().min(1) }).strict(),
]);

const loggingSchema = z
  .object({
    level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    /** User-data keys whose values never reach a log line (card numbers, national ids…). */
    sensitiveKeys: z.array(z.string().min(1)).default([]),
  })
  .strict();

const DEFAULT_BACKEND = 'sim';

export const gatewayConfigSchema = z
  .object({
    server: serverSchema.default(serverSchema.parse({})),
    inbound: inboundSchema.default(inboundSchema.parse({})),
    backends: z.record(z.string().min(1), backendConfigSchema).default({ [DEFAULT_BACKEND]: { driver: 'memory' } }),
    services: z.record(z.string().min(1), serviceSchema).default({}),
    /** First match wins. Absent: every service goes to the first backend. */
    routes: z.array(routeSchema).optional(),
    store: storeSchema.default({ kind: 'memory' }),
    logging: loggingSchema.default(loggingSchema.parse({})),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (Object.keys(config.backends).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['backends'], message: 'at least one backend is required' });
    }
    config.routes?.forEach((route, i) => {
      if (!(route.backend in config.backends)) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'backend'], message: `unknown backend "${route.backend}"` });
      }
    });
  })
  .transform((config) => ({
    ...config,
    routes: config.routes ?? [{ service: '*', backend: Object.keys(config.backends)[0] ?? DEFAULT_BACKEND }],
  }));

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
export type BackendConfig = GatewayConfig['backends'][string];
