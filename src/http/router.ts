import type { Endpoint, InboundRouter } from './wire';

interface CompiledEndpoint {
  endpoint: Endpoint;
  /** Literal segment text, or null where a parameter stands. */
  segments: (string | null)[];
  paramNames: (string | undefined)[];
}

export interface Match {
  router: InboundRouter;
  endpoint: Endpoint | undefined;
  /** Raw (still encoded) parameter values; decoded and checked by the caller so errors render in the dialect. */
  rawParams: Record<string, string>;
  /** The path matched an endpoint's shape but not its method. */
  methodNotAllowed: boolean;
}

/**
 * Matches a request to a dialect by base path, then to an endpoint by segments. Small and allocation-light on
 * purpose: it runs on every request, and express's router costs more than the whole translation.
 */
export class DialectRouter {
  private readonly routers: { router: InboundRouter; prefix: string; endpoints: CompiledEndpoint[]; anyCase: boolean }[];

  constructor(routers: InboundRouter[]) {
    this.routers = routers
      .map((router) => {
        const anyCase = router.caseInsensitivePath === true;
        const prefix = router.basePath.replace(/\/+$/, '');
        return { router, anyCase, prefix: anyCase ? prefix.toLowerCase() : prefix, endpoints: router.endpoints.map((e) => compile(e, anyCase)) };
      })
      // Longest prefix first, so a nested base path is never shadowed.
      .sort((a, b) => b.prefix.length - a.prefix.length);
  }

  match(method: string, path: string): Match | undefined {
    for (const r of this.routers) {
      if (!startsWithPrefix(path, r.prefix, r.anyCase)) continue;
      const rest = path.slice(r.prefix.length);
      // '/base/' keeps one empty segment, so an empty service or id is reported as invalid, not as not found.
      const parts = rest === '' ? [] : rest.slice(1).split('/');
      let methodNotAllowed = false;
      for (const c of r.endpoints) {
        const params = matchSegments(c, parts, r.anyCase);
        if (!params) continue;
        if (c.endpoint.method !== method) {
          methodNotAllowed = true;
          continue;
        }
        return { router: r.router, endpoint: c.endpoint, rawParams: params, methodNotAllowed: false };
      }
      return { router: r.router, endpoint: undefined, rawParams: {}, methodNotAllowed };
    }
    return undefined;
  }
}

/** `path` is the prefix or below it; a case-insensitive router's prefix is stored lower-case. */
function startsWithPrefix(path: string, prefix: string, anyCase: boolean): boolean {
  if (!anyCase) return path === prefix || path.startsWith(prefix + '/');
  if (path.length < prefix.length || (path.length > prefix.length && path[prefix.length] !== '/')) return false;
  return path.slice(0, prefix.length).toLowerCase() === prefix;
}

function compile(endpoint: Endpoint, anyCase: boolean): CompiledEndpoint {
  const parts = endpoint.path === '' || endpoint.path === '/' ? [] : endpoint.path.replace(/^\//, '').split('/');
  return {
    endpoint,
    segments: parts.map((p) => (p.startsWith(':') ? null : anyCase ? p.toLowerCase() : p)),
    paramNames: parts.map((p) => (p.startsWith(':') ? p.slice(1) : undefined)),
  };
}

function matchSegments(c: CompiledEndpoint, parts: string[], anyCase: boolean): Record<string, string> | undefined {
  if (parts.length !== c.segments.length) return undefined;
  const params: Record<string, string> = Object.create(null);
  for (let i = 0; i < parts.length; i++) {
    const literal = c.segments[i];
    if (literal === null) params[c.paramNames[i]!] = parts[i]!;
    else if (literal !== parts[i] && !(anyCase && literal === parts[i]!.toLowerCase())) return undefined;
  }
  return params;
}
