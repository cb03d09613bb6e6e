import type { Logger } from '../core/logger';
import type { RequestRecord } from '../http/listener';
import type { RecordLogger } from './logger';

/**
 * One line per request: who, what, where, how it ended and how long it took. Client errors are warnings,
 * internal and upstream failures errors; an internal error's cause is logged here and never sent to a client.
 */
export function logRequest(logger: Logger | RecordLogger, r: RequestRecord): void {
  const fields: Record<string, unknown> = {
    requestId: r.requestId,
    method: r.method,
    path: r.path,
    dialect: r.facts.dialect,
    command: r.facts.command,
    service: r.facts.service,
    backend: r.facts.backend,
    client: r.facts.client,
    status: r.status,
    outcome: r.outcome,
    ms: Math.round(r.ms * 100) / 100,
  };
  if (!r.error) return emit(logger, 'info', fields);
  fields.error = r.error.message;
  const { upstreamStatus, upstreamCode, upstreamMessage } = r.error.details;
  // An upstream's refusal is written here and nowhere else: one line per request, the upstream's words included.
  if (upstreamStatus !== undefined) fields.upstreamStatus = upstreamStatus;
  if (upstreamCode !== undefined) fields.upstreamCode = upstreamCode;
  if (upstreamMessage !== undefined) fields.upstreamMessage = upstreamMessage;
  if (r.error.code === 'internal') {
    const cause = r.error.cause;
    fields.cause = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
    emit(logger, 'error', fields);
  } else emit(logger, r.error.code.startsWith('upstream_') ? 'error' : 'warn', fields);
}

/** The fields are built for this line alone: a RecordLogger writes the line from them without a copy. */
function emit(logger: Logger | RecordLogger, level: 'info' | 'warn' | 'error', fields: Record<string, unknown>): void {
  if ('record' in logger) logger.record(level, 'request', fields);
  else logger[level]('request', fields);
}
