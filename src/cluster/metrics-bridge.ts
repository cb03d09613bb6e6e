import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * /metrics across workers. Each worker keeps its own registry; whichever worker a scrape reaches asks the
 * primary, which gathers every worker's registry (prom-client's AggregatorRegistry: counters and histograms
 * summed, the breaker gauge at its worst, process metrics by their own rule) and answers the whole text.
 * So a scrape through the shared port always sees the totals, whichever worker accepted it.
 */

const ASK = 'omgw:metrics?';
const ANSWER = 'omgw:metrics';
const TIMEOUT_MS = 10_000;

interface Answer {
  type: typeof ANSWER;
  id: number;
  text?: string;
  error?: string;
}

const isAnswer = (m: unknown): m is Answer => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === ANSWER;

/** In the primary: answers workers' requests for the aggregated text. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== ASK) return;
    const { id } = message as { id: number };
    const reply = (answer: Omit<Answer, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: ANSWER, id, ...answer });
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (err: unknown) => reply({ error: err instanceof Error ? err.message : String(err) }),
    );
  });
}

/** In a worker: offers `registry` to the primary's aggregation and returns the render /metrics uses. */
export function clusterMetricsRender(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one is what makes prom-client answer the primary's requests in this worker.
  new AggregatorRegistry();
  let next = 0;
  const pending = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();
  process.on('message', (message: unknown) => {
    if (!isAnswer(message)) return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    clearTimeout(waiter.timer);
    if (message.text !== undefined) waiter.resolve(message.text);
    else waiter.reject(new Error(`metrics of the other workers are unavailable: ${message.error ?? 'no answer'}`));
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error('metrics of the other workers did not arrive in time'));
      }, TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      process.send!({ type: ASK, id });
    });
}

export const isClusterWorker = (): boolean => cluster.isWorker;
