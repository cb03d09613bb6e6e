import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../core/errors';

export const tooLarge = (message: string): GatewayError =>
  new GatewayError('invalid_request', message, { reason: 'too_large' });

/**
 * RFC 9110 §8.4.1: a body under a Content-Encoding the gateway does not read is 415. Nothing is inflated: a few
 * kilobytes of gzip can inflate past any server.bodyLimit (a decompression bomb), and no dialect's spec sends one.
 */
const encodedBody = (): GatewayError =>
  new GatewayError('invalid_request', 'Content-Encoding is not supported: send the body unencoded', {
    field: 'Content-Encoding',
    reason: 'unsupported_media_type',
  });

/** A request with no body (a GET, an empty POST) has nothing encoded, whatever it declares. */
const hasBody = (req: IncomingMessage): boolean =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/**
 * Reads the whole body, refusing more than `limit` bytes: a declared Content-Length over the limit is refused
 * before reading; a chunked body is cut off as soon as it passes the limit. A body still incomplete at `deadline`
 * (epoch ms) is a timeout (408): a slow client holds a connection no longer than the request timeout.
 */
export function readBody(req: IncomingMessage, limit: number, deadline: number): Promise<Buffer> {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity' && hasBody(req)) {
    req.resume();
    return Promise.reject(encodedBody());
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    req.resume();
    return Promise.reject(tooLarge(`Request body exceeds ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        clearTimeout(timer);
        req.removeListener('data', onData);
        req.resume();
        reject(tooLarge(`Request body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const timer = setTimeout(() => {
      req.removeListener('data', onData);
      reject(new GatewayError('invalid_request', 'Request not received in time', { reason: 'timeout' }));
    }, deadline - Date.now());
    req.on('data', onData);
    req.once('end', () => {
      clearTimeout(timer);
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(new GatewayError('invalid_request', 'Request body could not be read', {}, { cause: err }));
    });
  });
}

/** Parses "1mb", "512kb", "100b" or a number of bytes. */
export function parseByteSize(value: string | number): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(value.trim());
  if (!m) throw new Error(`invalid byte size "${value}"`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb' | 'gb'];
  return Math.floor(Number(m[1]) * unit);
}
