import winston from 'winston';
import type { Logger } from '../core/logger';
import { createFieldRedactor } from './redact';

export interface LoggerOptions {
  level: 'error' | 'warn' | 'info' | 'debug';
  sensitiveKeys: readonly string[];
  /** Where lines go; stdout by default (12-factor: the platform collects them). */
  stream?: NodeJS.WritableStream;
}

/** JSON lines through winston, every field redacted of secrets before it is written. */
export function createLogger(options: LoggerOptions): Logger {
  const redact = createFieldRedactor(options.sensitiveKeys);
  const redaction = winston.format((info) => {
    const fields = info as Record<string, unknown>;
    for (const key of Object.keys(fields)) if (key !== 'level' && key !== 'message') fields[key] = redact(key, fields[key]);
    return info;
  });
  const w = winston.createLogger({
    level: options.level,
    format: winston.format.combine(
      winston.format.timestamp(),
      redaction(),
      // Insertion order, not sorted keys: cheaper, and the request id stays near the front of each line.
      winston.format.json({ deterministic: false }),
    ),
    transports: [options.stream ? new winston.transports.Stream({ stream: options.stream }) : new winston.transports.Console()],
  });
  return {
    debug: (message, fields) => w.debug(message, fields),
    info: (message, fields) => w.info(message, fields),
    warn: (message, fields) => w.warn(message, fields),
    error: (message, fields) => w.error(message, fields),
  };
}
