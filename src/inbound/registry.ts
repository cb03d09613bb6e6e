import { z } from 'zod';
import type { InboundDefinition } from '../http/wire';
import { gmsInboundConfigSchema } from './gms/gms.config';
import { gmsInbound } from './gms/gms.router';
import { nexusInboundConfigSchema } from './nexus/nexus.config';
import { nexusInbound } from './nexus/nexus.router';
import { oracleInboundConfigSchema } from './oracle/oracle.config';
import { oracleInbound } from './oracle/oracle.router';
import { vspInboundConfigSchema } from './vsp/vsp.config';
import { vspInbound } from './vsp/vsp.router';
import { wweInboundConfigSchema } from './wwe/wwe.config';
import { wweInbound } from './wwe/wwe.router';

/**
 * `inbound:` of the config (DESIGN §6): each dialect's own section, enabled with its defaults when absent. The
 * config schema takes it from here, so adding a dialect touches only its folder and this file.
 */
const dialectsSchema = z
  .object({
    gms: gmsInboundConfigSchema.default(gmsInboundConfigSchema.parse({})),
    nexus: nexusInboundConfigSchema.default(nexusInboundConfigSchema.parse({})),
    wwe: wweInboundConfigSchema.default(wweInboundConfigSchema.parse({})),
    oracle: oracleInboundConfigSchema.default(oracleInboundConfigSchema.parse({})),
    vsp: vspInboundConfigSchema.default(vspInboundConfigSchema.parse({})),
  })
  .strict();

export const inboundConfigSchema = dialectsSchema.default(dialectsSchema.parse({}));

export type InboundConfigs = z.output<typeof inboundConfigSchema>;

/** Every inbound dialect, keyed by its name under `inbound:` in the config. */
export const inboundRegistry: { [K in keyof InboundConfigs]?: InboundDefinition<InboundConfigs[K]> } = {
  gms: gmsInbound,
  nexus: nexusInbound,
  oracle: oracleInbound,
  vsp: vspInbound,
  wwe: wweInbound,
};
