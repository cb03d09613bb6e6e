import type { GatewayConfig } from '../config/schema';
import type { InboundDefinition } from '../http/wire';
import { gmsInbound } from './gms/gms.router';
import { nexusInbound } from './nexus/nexus.router';
import { oracleInbound } from './oracle/oracle.router';
import { vspInbound } from './vsp/vsp.router';
import { wweInbound } from './wwe/wwe.router';

type InboundConfigs = GatewayConfig['inbound'];

/** Every inbound dialect, keyed by its name under `inbound:` in the config. */
export const inboundRegistry: { [K in keyof InboundConfigs]?: InboundDefinition<InboundConfigs[K]> } = {
  gms: gmsInbound,
  nexus: nexusInbound,
  oracle: oracleInbound,
  vsp: vspInbound,
  wwe: wweInbound,
};
