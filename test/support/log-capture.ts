import { Writable } from 'node:stream';
import type { Logger } from '../../src/core/logger';
import { createLogger } from '../../src/observability/logger';

export interface LoggedCall {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

/** A Logger that keeps every call, for asserting the request lines. */
export function memoryLogger(): Logger & { lines: LoggedCall[] } {
  const lines: LoggedCall[] = [];
  const at = (level: string) => (message: string, fields: Record<string, unknown> = {}) => void lines.push({ level, message, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The real winston logger writing its JSON lines into an array. */
export function winstonLines(sensitiveKeys: string[] = []): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', sensitiveKeys, stream }), lines };
}
