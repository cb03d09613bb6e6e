import type { z } from 'zod';
import { configLoader } from './config/loader';
import { composeGatewayConfigSchema } from './config/schema';
import { checkBaseUrl } from './drivers/base-url';
import { backendConfigSchema } from './drivers/registry';
import { inboundConfigSchema } from './inbound/registry';

/**
 * The gateway's config file (DESIGN §6): config/ gives the sections of its own (server, services, routes, store…),
 * the registries the sections each dialect and each driver owns. Composed here, where both are known.
 */
export const gatewayConfigSchema = composeGatewayConfigSchema({ inbound: inboundConfigSchema, backend: backendConfigSchema, checkBaseUrl });

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

export const { buildConfig, loadConfig } = configLoader(gatewayConfigSchema);
