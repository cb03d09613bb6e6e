/**
 * Log lines gathered during one turn of the event loop and written together. Writing each request's line on its
 * own costs one write(2) per request, as much CPU as parsing and translating the request (bench/RESULTS.md);
 * under load many requests finish in one turn, so their lines share one write. A line waits at most until the
 * end of the current turn, and whatever is pending is written when the process exits.
 */
export interface LogSink {
  write(line: string): void;
  /** Writes what is pending now. */
  flush(): void;
}

/** Beyond this a turn's lines are written at once, so a burst never holds much in memory. */
const MAX_PENDING_CHARS = 64 * 1024;

export function createBatchedSink(stream: NodeJS.WritableStream): LogSink {
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    stream.write(text);
  };
  // process.exit() skips pending immediates; stdout and stderr writes are synchronous for files and pipes on Linux.
  process.once('exit', flush);
  return {
    write(line) {
      pending += line;
      if (pending.length >= MAX_PENDING_CHARS) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
