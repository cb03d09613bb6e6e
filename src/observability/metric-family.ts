/**
 * Counters and histograms for the request hot path. prom-client's own `labels(...).inc()` hashes the label set
 * into a string and allocates on every call (≈ 0.5 µs per counter, ≈ 0.9 µs per histogram observation,
 * measured on Node 20), which is a visible share of a gateway request. Here each label set is resolved once to
 * a child holding plain numbers, later lookups walk nested Maps without allocating, and the text exposition is
 * built only when /metrics is scraped, by the prom-client Registry the family is registered in.
 */

type LabelSet = Record<string, string>;

/** One exposed sample, in the shape prom-client's Registry renders. */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

export class CounterChild {
  value = 0;

  inc(by = 1): void {
    this.value += by;
  }
}

export class HistogramChild {
  /** Observations per bucket: index i counts values ≤ bounds[i] and > bounds[i-1]; the last slot is above every bound. */
  readonly counts: Float64Array;
  sum = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i += 1;
    this.counts[i]! += 1;
    this.sum += value;
  }
}

type Child = CounterChild | HistogramChild;

/**
 * A metric family with up to three labels. Implements the part of prom-client's metric interface its Registry
 * reads (name, help, type, aggregator, get, reset), so it renders alongside prom-client's own metrics.
 */
export class Family<C extends Child> {
  readonly aggregator = 'sum';
  private readonly index = new Map<string, unknown>();
  private readonly series: { labels: LabelSet; child: C }[] = [];

  private constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'histogram',
    private readonly labelNames: readonly string[],
    private readonly make: () => C,
    private readonly bounds: readonly number[],
  ) {
    if (labelNames.length < 1 || labelNames.length > 3) throw new Error(`${name}: a family has one to three labels`);
  }

  static counter(name: string, help: string, labelNames: readonly string[]): Family<CounterChild> {
    return new Family(name, help, 'counter', labelNames, () => new CounterChild(), []);
  }

  static histogram(name: string, help: string, labelNames: readonly string[], bounds: readonly number[]): Family<HistogramChild> {
    const sorted = [...bounds].sort((a, b) => a - b);
    return new Family(name, help, 'histogram', labelNames, () => new HistogramChild(sorted), sorted);
  }

  /** The child of one label set, in labelNames order; created on first use. */
  child(a: string, b = '', c = ''): C {
    const last = this.labelNames.length - 1;
    let node = this.index;
    for (let depth = 0; ; depth += 1) {
      const value = depth === 0 ? a : depth === 1 ? b : c;
      const found = node.get(value);
      if (depth === last) return (found as C | undefined) ?? this.add(node, value, a, b, c);
      let next = found as Map<string, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(value, next);
      }
      node = next;
    }
  }

  private add(leaf: Map<string, unknown>, key: string, a: string, b: string, c: string): C {
    const values = [a, b, c];
    const labels: LabelSet = {};
    this.labelNames.forEach((name, i) => {
      labels[name] = values[i]!;
    });
    const child = this.make();
    leaf.set(key, child);
    this.series.push({ labels, child });
    return child;
  }

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const values: Sample[] = [];
    for (const { labels, child } of this.series) {
      if (child instanceof CounterChild) values.push({ labels, value: child.value });
      else this.histogramSamples(labels, child, values);
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    for (const { child } of this.series) {
      if (child instanceof CounterChild) child.value = 0;
      else {
        child.counts.fill(0);
        child.sum = 0;
      }
    }
  }

  private histogramSamples(labels: LabelSet, child: HistogramChild, out: Sample[]): void {
    const bucket = `${this.name}_bucket`;
    let cumulative = 0;
    this.bounds.forEach((le, i) => {
      cumulative += child.counts[i]!;
      out.push({ labels: { ...labels, le }, value: cumulative, metricName: bucket });
    });
    cumulative += child.counts[this.bounds.length]!;
    out.push({ labels: { ...labels, le: '+Inf' }, value: cumulative, metricName: bucket });
    out.push({ labels, value: child.sum, metricName: `${this.name}_sum` });
    out.push({ labels, value: cumulative, metricName: `${this.name}_count` });
  }
}
