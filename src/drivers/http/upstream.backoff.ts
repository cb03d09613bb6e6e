const BASE_MS = 50;
const CAP_MS = 1000;

/**
 * Full-jitter exponential backoff: spreading retries uniformly over the window is what keeps many gateway
 * replicas from hitting a recovering upstream in step. An upstream asking for more than the cap is not retried
 * within this call: its Retry-After goes back to the client instead.
 */
export function backoffMs(retryIndex: number, random: () => number, retryAfterSeconds?: number): number | undefined {
  const jittered = random() * Math.min(CAP_MS, BASE_MS * 2 ** retryIndex);
  if (retryAfterSeconds === undefined) return jittered;
  const asked = retryAfterSeconds * 1000;
  return asked > CAP_MS ? undefined : Math.max(jittered, asked);
}
