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
      // The segments are read in place from `path` (no split, no copies): this runs on every request.
      const from = r.prefix.length;
      let methodNotAllowed = false;
      for (const c of r.endpoints) {
        if (!matchesSegments(c, path, from, r.anyCase)) continue;
        if (c.endpoint.method !== method) {
          methodNotAllowed = true;
          continue;
        }
        return { router: r.router, endpoint: c.endpoint, rawParams: paramsOf(c, path, from), methodNotAllowed: false };
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

/**
 * `path` from `from` on (the empty rest, or '/' and segments separated by '/') has the endpoint's segments:
 * '/base/' holds one empty segment, so an empty service or id is reported as invalid, not as not found.
 */
function matchesSegments(c: CompiledEndpoint, path: string, from: number, anyCase: boolean): boolean {
  if (c.segments.length === 0) return path.length === from;
  let at = from;
  for (const literal of c.segments) {
    // `at` is on the '/' before this segment.
    if (at >= path.length) return false;
    const start = at + 1;
    const slash = path.indexOf('/', start);
    const end = slash === -1 ? path.length : slash;
    if (literal !== null && !segmentIs(path, start, end, literal, anyCase)) return false;
    at = end;
  }
  return at === path.length;
}

function segmentIs(path: string, start: number, end: number, literal: string, anyCase: boolean): boolean {
  if (end - start === literal.length && path.startsWith(literal, start)) return true;
  return anyCase && path.slice(start, end).toLowerCase() === literal;
}

/** The raw values of the parameters of a path `matchesSegments` accepted. */
function paramsOf(c: CompiledEndpoint, path: string, from: number): Record<string, string> {
  // A plain object: the names are the endpoints' own (never a client's), and a null-prototype object is a
  // slower dictionary in V8.
  const params: Record<string, string> = {};
  let start = from + 1;
  for (let i = 0; i < c.segments.length; i++) {
    const slash = path.indexOf('/', start);
    const end = slash === -1 ? path.length : slash;
    if (c.segments[i] === null) params[c.paramNames[i]!] = path.slice(start, end);
    start = end + 1;
  }
  return params;
}
