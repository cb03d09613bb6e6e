import type { CommandKind, CommandOf, CreateCommand, ListCommand, ResultOf } from './command';
import { assertValidCommand } from './command-rules';
import type { Driver } from './driver';
import { GatewayError } from './errors';
import type { Interaction } from './interaction';
import { compilePattern, isPattern, type NameMatcher } from './pattern';

/** GMS service options: defaults of a service's creates, and whether a request may overwrite them. */
export interface ServiceDefaults {
  interactionType?: string;
  interactionSubtype?: string;
  mediaType?: string;
  queue?: string;
  allowOverwrite?: boolean;
}

export interface RouteSpec {
  service: string;
  backend: string;
}

interface CompiledRoute extends Route {
  /** The route's service pattern as configured. */
  service: string;
  matches: NameMatcher;
}

export interface Route {
  backend: string;
  driver: Driver;
}

export interface Dispatched<K extends CommandKind> {
  result: ResultOf<K>;
  backend: string;
}

/**
 * Routes a command by its service to a backend (first matching route wins), applies the service's
 * defaults to creates, and answers `unsupported` before any I/O when the backend lacks the command.
 */
export class Dispatcher {
  private readonly routes: CompiledRoute[];
  private readonly services: { matches: NameMatcher; defaults: ServiceDefaults }[];
  private readonly answers = new Map<string, (result: unknown) => Dispatched<CommandKind>>();

  constructor(
    routes: RouteSpec[],
    private readonly drivers: ReadonlyMap<string, Driver>,
    services: Record<string, ServiceDefaults> = {},
  ) {
    this.routes = routes.map((r) => {
      const driver = drivers.get(r.backend);
      if (!driver) throw new Error(`route for "${r.service}" names unknown backend "${r.backend}"`);
      return { service: r.service, matches: compilePattern(r.service), backend: r.backend, driver };
    });
    this.services = Object.entries(services).map(([name, defaults]) => ({ matches: compilePattern(name), defaults }));
  }

  /** The backend a service is routed to; `not_found` (subject service) when no route matches. */
  route(service: string): Route {
    for (const r of this.routes) if (r.matches(service)) return r;
    throw new GatewayError('not_found', `Service ${service} is not configured`, { subject: 'service', ref: service });
  }

  /** A backend by name, for work already bound to it (an outbox item is delivered where it was queued). */
  routeOfBackend(backend: string): Route {
    const driver = this.drivers.get(backend);
    if (!driver) throw new Error(`unknown backend "${backend}"`);
    return { backend, driver };
  }

  /**
   * Runs a command; a caller that already resolved the route (to log its backend) passes it in. Not async: the
   * driver's promise is answered through one function per backend (answerOf), not a frame and an await of its own
   * (this runs on every request). A refusal before the driver is called is still a rejected promise.
   */
  dispatch<K extends CommandKind>(command: CommandOf<K>, route?: Route): Promise<Dispatched<K>> {
    try {
      const { backend, driver } = route ?? this.route(command.service);
      assertValidCommand(command);
      const handler = driver[command.kind] as ((c: CommandOf<K>) => Promise<ResultOf<K>>) | undefined;
      if (!handler) {
        throw new GatewayError('unsupported', `Operation ${command.kind} is not supported for service ${command.service}`);
      }
      const prepared = command.kind === 'create' ? (this.applyDefaults(command as CreateCommand) as CommandOf<K>) : command;
      return Promise.resolve(handler.call(driver, prepared)).then(this.answerOf(backend) as (result: ResultOf<K>) => Dispatched<K>);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The function that wraps a result of `backend`'s as a Dispatched, made once per backend. */
  private answerOf(backend: string): (result: unknown) => Dispatched<CommandKind> {
    let answer = this.answers.get(backend);
    if (answer === undefined) {
      answer = (result) => ({ result: result as ResultOf<CommandKind>, backend });
      this.answers.set(backend, answer);
    }
    return answer;
  }

  /**
   * A list whose service is a pattern (DESIGN §4 wwe, `GET /interactions`) asks, in route order, every route whose
   * backend can list: a route naming one service that the pattern matches is asked for that service (a backend
   * with no services of its own, such as Workspace, then lists under that name); a wildcard route is asked for the
   * pattern. Each backend keeps only the interactions of services the pattern matches and that are routed to it, so
   * a backend holding a service routed elsewhere does not show it. Any backend failing fails the list: a partial
   * answer would look complete. A plain service name is routed as any command. Each backend gets the command's
   * limit, and the merged answer keeps to it too.
   */
  async list(command: ListCommand): Promise<Dispatched<'list'>> {
    if (!isPattern(command.service)) return this.dispatch(command);
    const matches = compilePattern(command.service);
    const asks = new Map<string, { backend: string; driver: Driver; service: string }>();
    for (const r of this.routes) {
      if (!r.driver.list) continue;
      const service = isPattern(r.service) ? command.service : r.service;
      if (!matches(service) && !isPattern(r.service)) continue;
      asks.set(`${r.backend}\u0000${service}`, { backend: r.backend, driver: r.driver, service });
    }
    if (asks.size === 0) throw new GatewayError('unsupported', 'No backend can list interactions');
    const plan = [...asks.values()];
    const answers = await Promise.all(plan.map((a) => a.driver.list!({ ...command, service: a.service })));
    const seen = new Set<string>();
    const result: Interaction[] = [];
    answers.forEach((interactions, i) => {
      const { backend } = plan[i]!;
      for (const interaction of interactions) {
        if (command.limit !== undefined && result.length >= command.limit) return;
        if (seen.has(interaction.id) || !matches(interaction.service) || this.backendOf(interaction.service) !== backend) continue;
        seen.add(interaction.id);
        result.push(interaction);
      }
    });
    return { result, backend: [...new Set(plan.map((a) => a.backend))].join(',') };
  }

  private backendOf(service: string): string | undefined {
    for (const r of this.routes) if (r.matches(service)) return r.backend;
    return undefined;
  }

  private defaultsOf(service: string): ServiceDefaults | undefined {
    for (const s of this.services) if (s.matches(service)) return s.defaults;
    return undefined;
  }

  /**
   * GMS `allow_overwrite`: a configured service's defaults win over the request unless the service allows
   * overwriting; fields a service leaves unset, and services with no configuration, take the request's values.
   */
  private applyDefaults(command: CreateCommand): CreateCommand {
    const d = this.defaultsOf(command.service);
    if (!d) return command;
    const pick = (requested: string | undefined, configured: string | undefined) =>
      d.allowOverwrite ? (requested ?? configured) : (configured ?? requested);
    return {
      ...command,
      interactionType: pick(command.interactionType, d.interactionType),
      interactionSubtype: pick(command.interactionSubtype, d.interactionSubtype),
      mediaType: pick(command.mediaType, d.mediaType),
      queue: pick(command.queue, d.queue),
    };
  }
}

