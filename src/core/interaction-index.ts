import type { Logger } from './logger';
import type { StateStore } from './state-store';

/** Where an interaction lives: the service it belongs to and the backend that holds it. */
export interface InteractionLocation {
  service: string;
  backend: string;
}

/** Asks the backends that can answer by id alone (the memory contact center) where an interaction lives. */
export type LocateFallback = (id: string) => Promise<InteractionLocation | undefined>;

export interface InteractionIndexOptions {
  /** How long an id stays locatable after the gateway last saw it. */
  ttlMs: number;
  logger: Logger;
  fallback?: LocateFallback;
}

/** Long enough for any interaction's life; bounded so the index cannot grow for ever. */
export const DEFAULT_INDEX_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * DESIGN "Which service?": Workspace, Oracle and VSP name an interaction by id alone. The gateway records the
 * service and backend of every interaction it creates or reads through a backend that cannot find an id by itself,
 * and keeps the numeric alias Oracle needs (InteractionId is a JSON number). Both live in the state store, so every
 * replica on a shared store sees them.
 */
export class InteractionIndex {
  constructor(
    private readonly store: StateStore,
    private readonly options: InteractionIndexOptions,
  ) {}

  /**
   * Records where an interaction lives. Best effort on purpose: the command it follows has already been applied
   * upstream, so a full or unreachable store must not turn that success into a failure; the id is then found
   * through the fallback, or not at all, and the operator is told.
   */
  remember(id: string, location: InteractionLocation): Promise<void> {
    // Not async: the store's promise is caught by one handler made once (this runs on every create).
    try {
      return this.store.set(locationKey(id), JSON.stringify([location.service, location.backend]), this.options.ttlMs).catch(this.notRemembered);
    } catch (err) {
      this.notRemembered(err);
      return Promise.resolve();
    }
  }

  private readonly notRemembered = (err: unknown): void => {
    this.options.logger.warn('Could not record an interaction in the id index', { error: String(err) });
  };

  /** The recorded location, else what a backend that knows its own ids says, else undefined. */
  async locate(id: string): Promise<InteractionLocation | undefined> {
    const recorded = await this.store.get(locationKey(id));
    if (recorded !== undefined) {
      const [service, backend] = JSON.parse(recorded) as [string, string];
      return { service, backend };
    }
    return this.options.fallback?.(id);
  }

  /**
   * Draws the number a create about to be made will be shown with. Drawn before the create, so a store that
   * cannot answer refuses the create before anything is applied, rather than after (a retry would make it twice).
   */
  reserveNumericAlias(): Promise<number> {
    return this.store.increment(ALIAS_COUNTER);
  }

  /**
   * A number standing for a canonical id, stable for the interaction's life (Oracle InteractionId, below 2^53).
   * Two replicas aliasing the same id at once each draw a number; only the first to record it is ever used.
   */
  async numericAliasOf(id: string, reserved?: number): Promise<number> {
    const existing = await this.store.get(aliasOfIdKey(id));
    if (existing !== undefined) return Number(existing);
    const drawn = reserved ?? (await this.reserveNumericAlias());
    if (await this.store.setIfAbsent(aliasOfIdKey(id), String(drawn), this.options.ttlMs)) {
      await this.store.set(idOfAliasKey(drawn), id, this.options.ttlMs);
      return drawn;
    }
    return Number(await this.store.get(aliasOfIdKey(id)));
  }

  /**
   * A queued create delivered under the upstream's id keeps the number its reserved id was shown with (an Oracle
   * client was answered that InteractionId): the upstream's id takes it, unless it already has one. Best effort, as
   * remember() is.
   */
  async shareAlias(reservedId: string, deliveredId: string): Promise<void> {
    try {
      const alias = await this.store.get(aliasOfIdKey(reservedId));
      if (alias !== undefined) await this.store.setIfAbsent(aliasOfIdKey(deliveredId), alias, this.options.ttlMs);
    } catch (err) {
      this.options.logger.warn('Could not carry a numeric alias over to a delivered interaction', { error: String(err) });
    }
  }

  /** The canonical id a numeric alias stands for. */
  async idOfNumericAlias(alias: number): Promise<string | undefined> {
    if (!Number.isSafeInteger(alias) || alias < 1) return undefined;
    return this.store.get(idOfAliasKey(alias));
  }
}

const ALIAS_COUNTER = 'alias:counter';
const locationKey = (id: string) => `idx:${id}`;
const aliasOfIdKey = (id: string) => `alias:id:${id}`;
const idOfAliasKey = (alias: number) => `alias:n:${alias}`;
