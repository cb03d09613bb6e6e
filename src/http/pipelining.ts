import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Answers a connection may owe at once. A client that reads its answers owes at most a few (one, unless it
 * pipelines); one that sends requests back to back and never reads them makes node:http queue every answer in
 * memory behind the first, tens of megabytes a connection. Past this many, the connection is closed: what it
 * costs is bounded, per connection, by the answers it was already owed (a hostile client must not grow memory without bound).
 */
export const MAX_UNANSWERED_PER_CONNECTION = 16;

/**
 * Counts each connection's answers not yet handed to the network; a request beyond the limit closes the
 * connection instead of being handled. The server calls `answered` from the response's 'close' ('close' follows
 * 'finish', the answer flushed to the socket, or the connection's end, whichever comes first): one listener per
 * request serves this count and the server's own bookkeeping.
 */
export class PipeliningGuard {
  private readonly owed = new WeakMap<Socket, number>();

  constructor(private readonly limit = MAX_UNANSWERED_PER_CONNECTION) {}

  /** False: the request was refused (the connection is gone). */
  admit(req: IncomingMessage): boolean {
    const socket = req.socket;
    const count = (this.owed.get(socket) ?? 0) + 1;
    if (count > this.limit) {
      socket.destroy();
      return false;
    }
    this.owed.set(socket, count);
    return true;
  }

  /** The response to an admitted request closed (its socket is no longer on the response by then). */
  answered(res: ServerResponse): void {
    const socket = res.req.socket;
    this.owed.set(socket, (this.owed.get(socket) ?? 1) - 1);
  }
}
