import type { IncomingMessage } from 'node:http';
import { DeadlineWatch } from '../core/deadline-watch';
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

/** Who waits for a body: its `bodyRead` is called once, with the body or with the error that refused it. */
export interface BodyReceiver {
  bodyRead(error: GatewayError | undefined, body: Buffer): void;
}

/** What the body of one request is waiting for; kept on the request itself (see BODY_READ). */
class BodyRead {
  /** Its place among the bodies watched for their deadline. */
  slot = -1;
  chunks: Buffer[] = [];
  size = 0;
  settled = false;

  constructor(
    readonly limit: number,
    /** Epoch ms. */
    readonly deadline: number,
    readonly receiver: BodyReceiver,
  ) {}

  /** The deadline passed with the body still incomplete (called by the DeadlineWatch). */
  expire(): void {
    settle(this, new GatewayError('invalid_request', 'Request not received in time', { reason: 'timeout' }), EMPTY);
  }
}

/**
 * The request's read, so one set of module-level listeners serves every request: a body is read on every
 * request, and three closures, two `once` wrappers and a timer each were a measurable share of its cost.
 */
const BODY_READ = Symbol('bodyRead');
type Reading = IncomingMessage & { [BODY_READ]?: BodyRead };

const EMPTY = Buffer.alloc(0);

/**
 * Reads the whole body, refusing more than `limit` bytes: a declared Content-Length over the limit is refused
 * before reading; a chunked body is cut off as soon as it passes the limit. A body still incomplete at `deadline`
 * (epoch ms) is a timeout (408): a slow client holds a connection no longer than the request timeout.
 * `receiver.bodyRead` is called once, with the body or with the error that refused it (a receiver rather than a
 * callback: the request's own handler object, no closure per request).
 */
export function readBody(req: IncomingMessage, limit: number, deadline: number, receiver: BodyReceiver): void {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity' && hasBody(req)) {
    req.resume();
    return receiver.bodyRead(encodedBody(), EMPTY);
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    req.resume();
    return receiver.bodyRead(tooLarge(`Request body exceeds ${limit} bytes`), EMPTY);
  }
  const read = new BodyRead(limit, deadline, receiver);
  (req as Reading)[BODY_READ] = read;
  req.on('data', onData);
  req.on('end', onEnd);
  // Left attached once the body is read: an error after that changes nothing, and does not go unhandled.
  req.on('error', onError);
  deadlines.add(read);
}

function settle(read: BodyRead, error: GatewayError | undefined, body: Buffer): void {
  if (read.settled) return;
  read.settled = true;
  read.chunks = [];
  deadlines.delete(read);
  read.receiver.bodyRead(error, body);
}

function onData(this: Reading, chunk: Buffer): void {
  const read = this[BODY_READ]!;
  if (read.settled) return;
  read.size += chunk.length;
  // Past the limit the rest is read and dropped (flowing, nothing kept), so the answer can still be sent.
  if (read.size > read.limit) settle(read, tooLarge(`Request body exceeds ${read.limit} bytes`), EMPTY);
  else read.chunks.push(chunk);
}

function onEnd(this: Reading): void {
  const read = this[BODY_READ]!;
  settle(read, undefined, read.chunks.length === 1 ? read.chunks[0]! : Buffer.concat(read.chunks, read.size));
}

function onError(this: Reading, err: Error): void {
  settle(this[BODY_READ]!, new GatewayError('invalid_request', 'Request body could not be read', {}, { cause: err }), EMPTY);
}

/** The bodies still arriving. The connection keeps the process alive while its body is awaited; the timer need not. */
const deadlines = new DeadlineWatch<BodyRead>({ now: Date.now, holdsProcess: false });

/** Parses "1mb", "512kb", "100b" or a number of bytes. */
export function parseByteSize(value: string | number): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(value.trim());
  if (!m) throw new Error(`invalid byte size "${value}"`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb' | 'gb'];
  return Math.floor(Number(m[1]) * unit);
}
