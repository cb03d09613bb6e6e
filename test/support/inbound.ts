import type { Command } from '../../src/core/command';
import { InteractionIndex } from '../../src/core/interaction-index';
import { silentLogger } from '../../src/core/logger';
import { MemoryStateStore } from '../../src/store/memory.state-store';
import type { InboundDeps, InboundRequest } from '../../src/http/wire';

// Helpers for suites that call an inbound router's endpoints directly, without HTTP or a dispatcher.

/** Router dependencies whose dispatcher keeps every command in `seen` and answers `result(command)` from backend `sim`. */
export function recordingDeps(result: (command: Command) => unknown): { deps: InboundDeps; seen: Command[] } {
  const seen: Command[] = [];
  const deps: InboundDeps = {
    logger: silentLogger,
    now: () => new Date(),
    limits: { maxFields: 1000 },
    index: new InteractionIndex(new MemoryStateStore({ maxEntries: 1000, maxBytes: 1 << 20 }), { ttlMs: 60_000, logger: silentLogger }),
    execute: (async (command: Command) => {
      seen.push(command);
      return { result: result(command), backend: 'sim' };
    }) as InboundDeps['execute'],
  };
  return { deps, seen };
}

/** A POST as the HTTP layer hands it to a router: request id `req-1`, no query, no response headers yet. */
export function inboundRequest(
  dialect: string,
  fields: Pick<InboundRequest, 'path' | 'params' | 'headers' | 'receivedAt' | 'deadline'> & { body: string },
): InboundRequest {
  return {
    method: 'POST',
    query: '',
    requestId: 'req-1',
    facts: { dialect },
    remoteAddress: '127.0.0.1',
    responseHeaders: {},
    ...fields,
    body: Buffer.from(fields.body),
  };
}
