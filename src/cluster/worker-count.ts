import { availableParallelism } from 'node:os';

/** `server.workers` as a number of processes: `auto` is one per CPU this process may run on. */
export function workerCount(setting: number | 'auto'): number {
  return setting === 'auto' ? availableParallelism() : setting;
}
