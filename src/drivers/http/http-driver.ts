import type { CommandContext } from '../../core/command';
import type { Driver, DriverHealth } from '../../core/driver';
import type { GatewayError } from '../../core/errors';
import type { HttpDriverDeps, UpstreamClient } from './upstream';
import { upstreamClientFor } from './upstream.client';

/** What the shared client reads of an HTTP driver's config (DESIGN §5 driver conventions). */
type UpstreamOptions = Parameters<typeof upstreamClientFor>[1];

/**
 * What every HTTP driver is made of (DESIGN §5): its deps, its config and the one upstream client built from them.
 * It is ready while its circuit breaker is closed, and closing it closes the client's connections; a driver adds
 * its commands, and may probe its API's root for health (upstream.probe.ts).
 */
export abstract class HttpDriver<Config extends UpstreamOptions> implements Driver {
  protected readonly client: UpstreamClient;

  constructor(
    protected readonly deps: HttpDriverDeps,
    protected readonly config: Config,
  ) {
    this.client = upstreamClientFor(deps, config);
  }

  async health(): Promise<DriverHealth> {
    const state = this.client.breakerState();
    return state === 'closed' ? { ok: true } : { ok: false, detail: `circuit breaker ${state}` };
  }

  close(graceMs?: number): Promise<void> {
    return this.client.close(graceMs);
  }
}

/** The inbound request's deadline, for an upstream request: no attempt starts after it. */
export const deadlineOf = (context: CommandContext): { deadline?: number } => (context.deadline === undefined ? {} : { deadline: context.deadline });

/**
 * The upstream's own words help the operator and may describe internals: they ride on the error to the request's
 * one log line (observability/request-log.ts), never into an answer; a driver writes no log line of its own.
 */
export function withUpstreamMessage(err: GatewayError, message: string | undefined): GatewayError {
  if (message !== undefined) err.details.upstreamMessage = message;
  return err;
}
