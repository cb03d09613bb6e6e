import { driverRegistry } from './registry';

/** What the config check says of one backend's baseUrl: an error stops the gateway, a warning is logged at start. */
export interface BaseUrlFinding {
  level: 'error' | 'warning';
  message: string;
}

/**
 * DESIGN §5 driver conventions: a baseUrl is the upstream's origin plus the API's base path (nexus `…/nexus/v3`,
 * gms `…/genesys/2/openmedia`, wwe `…/api/v2`, oracle `…/crmRestApi/resources/11.13.18.05`, vsp `…/api`), and each driver definition names its own `basePath`. No path at all, or the base
 * path with more after it (`…/nexus/v3/openmedia`: the driver adds `/openmedia` itself), can never be right: an
 * error. Another path may be a proxy that rewrites it: a warning.
 */
export function checkBaseUrl(driver: string, baseUrl: unknown): BaseUrlFinding | undefined {
  const definition: { basePath?: string } | undefined = Object.hasOwn(driverRegistry, driver) ? driverRegistry[driver as keyof typeof driverRegistry] : undefined;
  const basePath = definition?.basePath;
  if (basePath === undefined || typeof baseUrl !== 'string') return undefined;
  let path: string;
  try {
    path = new URL(baseUrl).pathname.replace(/\/+$/, '');
  } catch {
    return undefined; // the schema reports a URL it cannot read
  }
  if (path.endsWith(basePath)) return undefined;
  const convention = `a ${driver} baseUrl is the upstream's origin plus ${basePath}, e.g. https://${driver}.example${basePath}`;
  if (path === '') return { level: 'error', message: `has no path: ${convention}` };
  const at = path.indexOf(`${basePath}/`);
  if (at !== -1) return { level: 'error', message: `goes past the API's base path ("${path.slice(at + basePath.length)}" is added by the driver): ${convention}` };
  return { level: 'warning', message: `path "${path}" does not end in ${basePath}; unless a proxy rewrites it, every call misses the API (${convention})` };
}

/** The warnings of every backend, as `backends.<name>.baseUrl: …` lines. */
export function baseUrlWarnings(backends: Record<string, { driver: string; baseUrl?: unknown }>): string[] {
  const warnings: string[] = [];
  for (const [name, backend] of Object.entries(backends)) {
    const finding = checkBaseUrl(backend.driver, backend.baseUrl);
    if (finding?.level === 'warning') warnings.push(`backends.${name}.baseUrl: ${finding.message}`);
  }
  return warnings;
}
