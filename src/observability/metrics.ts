import { collectDefaultMetrics, Gauge, Registry, type Metric } from 'prom-client';
import { clusterMetricsRender, isClusterWorker } from '../cluster/metrics-bridge';
import type { BreakerState, UpstreamObserver } from '../drivers/http/upstream';
import type { RequestRecord } from '../http/listener';
import { Family } from './metric-family';

export interface Metrics {
  /** This gateway's own registry: several gateways in one process (tests) never share series. */
  registry: Registry;
  /** Called once per dialect request, after the answer was sent. */
  observeRequest(record: RequestRecord): void;
  /** A request refused by a rate limit of the gateway's own (not an upstream's). */
  observeLimited(dialect: string, limit: string): void;
  /** Handed to the HTTP drivers' upstream clients. */
  upstreamObserver: UpstreamObserver;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
  contentType: string;
}

/**
 * Gateway requests take from a few hundred µs to the 10 s default upstream timeout (DESIGN §5); the default
 * prom-client buckets start at 5 ms, which would put every healthy request in the first bucket.
 */
const SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** A request that failed before a command was understood (unparseable body, unknown path) has no command. */
const NO_COMMAND = 'none';

/** The metrics of DESIGN §8, plus the default process metrics, on a registry of their own. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = Family.counter('omgw_requests_total', 'Dialect requests answered, by dialect, command and outcome (ok or the error code).', ['dialect', 'command', 'outcome']);
  const requestSeconds = Family.histogram('omgw_request_duration_seconds', 'Time from a dialect request to its answer.', ['dialect'], SECONDS_BUCKETS);
  const upstreamSeconds = Family.histogram('omgw_upstream_request_duration_seconds', 'Duration of each upstream attempt, retries counted separately.', ['backend', 'method'], SECONDS_BUCKETS);
  const upstreamErrors = Family.counter('omgw_upstream_errors_total', 'Upstream attempts that failed, by the error code they were mapped to.', ['backend', 'code']);
  const limited = Family.counter('omgw_rate_limited_total', "Requests refused by the gateway's rate limits: per client, or per address after failed authentications.", ['dialect', 'limit']);
  // prom-client's Registry renders anything with its metric shape; its typings only name its own classes.
  for (const family of [requests, requestSeconds, upstreamSeconds, upstreamErrors, limited]) registry.registerMetric(family as unknown as Metric);
  // Breaker changes are rare: prom-client's own gauge is cheap enough there. Each worker of a cluster has its own
  // breaker per backend; across workers the worst state is shown.
  const breaker = new Gauge({
    name: 'omgw_breaker_state',
    help: 'Circuit breaker of each backend: 0 closed, 1 half-open, 2 open.',
    labelNames: ['backend'],
    registers: [registry],
    aggregator: 'max',
  });

  const upstreamObserver: UpstreamObserver = {
    onCall({ backend, method, error, seconds }) {
      upstreamSeconds.child(backend, method).observe(seconds);
      if (error) upstreamErrors.child(backend, error.code).inc();
    },
    onBreakerChange({ backend, state }) {
      breaker.set({ backend }, BREAKER_VALUE[state]);
    },
  };

  return {
    registry,
    observeRequest(record) {
      const { dialect } = record.facts;
      requests.child(dialect, record.facts.command ?? NO_COMMAND, record.outcome).inc();
      requestSeconds.child(dialect).observe(record.ms / 1000);
    },
    observeLimited(dialect, limit) {
      limited.child(dialect, limit).inc();
    },
    upstreamObserver,
    // In a worker of server.workers > 1, every worker's registry, added up by the primary.
    render: isClusterWorker() ? clusterMetricsRender(registry) : () => registry.metrics(),
    contentType: registry.contentType,
  };
}
