import { Counter, Histogram, Registry, type Metric } from 'prom-client';
import { Family } from '../../../src/observability/metric-family';

/** Samples by series, label pairs sorted, so two expositions compare regardless of label order. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = (m[2] ?? '').split(',').filter(Boolean).sort().join(',');
    out.set(`${m[1]}{${labels}}`, Number(m[3]));
  }
  return out;
}

const BOUNDS = [0.001, 0.01, 0.1, 1];
const VALUES = [0.0005, 0.001, 0.002, 0.05, 0.1, 0.7, 3, 12];

describe('metric families', () => {
  it('render what prom-client renders for the same counts and observations', async () => {
    const ours = new Registry();
    const counter = Family.counter('c_total', 'help', ['a', 'b']);
    const histogram = Family.histogram('h_seconds', 'help', ['x'], BOUNDS);
    ours.registerMetric(counter as unknown as Metric);
    ours.registerMetric(histogram as unknown as Metric);

    const theirs = new Registry();
    const pc = new Counter({ name: 'c_total', help: 'help', labelNames: ['a', 'b'], registers: [theirs] });
    const ph = new Histogram({ name: 'h_seconds', help: 'help', labelNames: ['x'], buckets: BOUNDS, registers: [theirs] });

    for (const [a, b, n] of [['p', 'q', 3], ['p', 'r', 1], ['s', 'q', 2]] as const) {
      for (let i = 0; i < n; i++) {
        counter.child(a, b).inc();
        pc.inc({ a, b });
      }
    }
    for (const v of VALUES) {
      histogram.child(v < 1 ? 'fast' : 'slow').observe(v);
      ph.observe({ x: v < 1 ? 'fast' : 'slow' }, v);
    }

    const mine = samples(await ours.metrics());
    expect(mine.get('c_total{a="p",b="q"}')).toBe(3);
    expect(mine.get('h_seconds_bucket{le="0.001",x="fast"}')).toBe(2);
    expect(mine).toEqual(samples(await theirs.metrics()));
    expect(await ours.metrics()).toContain('# TYPE h_seconds histogram');
  });

  it('finds the same child for the same label values, and reset zeroes it', async () => {
    const counter = Family.counter('c_total', 'help', ['a', 'b', 'c']);
    counter.child('1', '2', '3').inc();
    counter.child('1', '2', '3').inc(2);
    expect(counter.child('1', '2', '3').value).toBe(3);
    expect(counter.child('1', '2', '4').value).toBe(0);
    counter.reset();
    expect((await counter.get()).values.map((v) => v.value)).toEqual([0, 0]);
  });
});
