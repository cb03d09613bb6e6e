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
 * connection instead of being handled. False: the request was refused (the connection is gone).
 */
export function createPipeliningGuard(limit = MAX_UNANSWERED_PER_CONNECTION): (req: IncomingMessage, res: ServerResponse) => boolean {
  const owed = new WeakMap<Socket, number>();
  return (req, res) => {
    const socket = req.socket;
    const count = (owed.get(socket) ?? 0) + 1;
    if (count > limit) {
      socket.destroy();
      return false;
    }
    owed.set(socket, count);
    // 'close' follows 'finish' (the answer flushed to the socket) or the connection's end, whichever comes first.
    res.once('close', () => owed.set(socket, (owed.get(socket) ?? 1) - 1));
    return true;
  };
}
