// Helpers for suites that call a driver's handlers directly, against a fake upstream.
import type { CommandContext, CreateCommand, GetCommand, InteractionRef, StopCommand, UpdateCommand, UserDataChange } from '../../src/core/command';
import type { Driver } from '../../src/core/driver';
import { GatewayError, type ErrorCode } from '../../src/core/errors';
import type { Logger } from '../../src/core/logger';
import type { FakeUpstream } from './fake-upstream';

export const byId = (value: string): InteractionRef => ({ by: 'id', value });
export const byExt = (value: string): InteractionRef => ({ by: 'externalId', value });
export const str = (key: string, value: string) => ({ key, type: 'str' as const, value });

/**
 * Canonical commands as an inbound dialect would hand them to a driver, with the noise filled in: request id
 * `req-1` from `dialect`, one service, and `id` as the interaction that update and stop name unless told.
 */
export function commandsFor(dialect: string, service: string, id: string) {
  const context = (extra: Partial<CommandContext> = {}): CommandContext => ({ requestId: 'req-1', dialect, receivedAt: new Date(), ...extra });
  return {
    context,
    createCmd: (fields: Partial<CreateCommand> = {}): CreateCommand => ({ kind: 'create', service, context: context(), userData: [], extra: {}, ...fields }),
    getCmd: (ref: InteractionRef): GetCommand => ({ kind: 'get', service, context: context(), ref }),
    updateCmd: (changes: UserDataChange[], ref = byId(id)): UpdateCommand => ({ kind: 'update', service, context: context(), ref, changes }),
    stopCmd: (fields: Partial<StopCommand> = {}): StopCommand => ({ kind: 'stop', service, context: context(), ref: byId(id), ...fields }),
  };
}

/** Resolves to the GatewayError `promise` failed with, having checked its code, so its details can be asserted. */
export async function failure(promise: Promise<unknown>, code: ErrorCode): Promise<GatewayError> {
  const err = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  expect((err as GatewayError).code).toBe(code);
  return err as GatewayError;
}

export interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

/** A logger that keeps every line, to see what reaches the operator. */
export function recordingLogger(): Logger & { lines: LogLine[]; warnings(): Omit<LogLine, 'level'>[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields });
  return {
    lines,
    warnings: () => lines.filter((l) => l.level === 'warn').map(({ message, fields }) => ({ message, fields })),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}

/**
 * Starts `upstream` before the suite; returns a maker of drivers (`make` with per-driver options) that are all
 * closed at its end, before the upstream is. Register any `beforeAll` that makes a driver after this call.
 */
export function driversAgainst(upstream: FakeUpstream, make: (options: Record<string, unknown>) => Driver): (options?: Record<string, unknown>) => Driver {
  const drivers: Driver[] = [];
  beforeAll(() => upstream.start());
  afterAll(async () => {
    await Promise.all(drivers.map((d) => d.close()));
    await upstream.close();
  });
  return (options = {}) => {
    const made = make(options);
    drivers.push(made);
    return made;
  };
}
