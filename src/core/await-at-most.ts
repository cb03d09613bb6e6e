/**
 * Waits for `promise`, but no longer than `ms` (Infinity: as long as it takes); true when it settled in time.
 * The timer is cleared either way, so a shutdown that finished early leaves nothing keeping the process alive.
 */
export async function awaitAtMost(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = promise.then(
    () => true,
    () => true,
  );
  if (!Number.isFinite(ms)) return settled;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  try {
    return await Promise.race([settled, expired]);
  } finally {
    clearTimeout(timer);
  }
}
