import { afterEach, describe, expect, it } from 'vitest';
import { DataPointType, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { StateTemplate } from '@statetemplate/session';
import { otelMetrics } from '../src/otel.js';
import { livePeer, page, SIGNING_KEY, start, TEMPLATE, type Harness } from './harness.js';

/** A reader that collects only when the test asks: no export timer. */
class OnDemand extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** The SDK with a reader, and what one collection found by instrument name. */
function sdk() {
  const reader = new OnDemand();
  const provider = new MeterProvider({ readers: [reader] });
  return {
    meter: provider.getMeter('statetemplate-test'),
    provider,
    async collect(): Promise<Map<string, MetricData>> {
      const { resourceMetrics, errors } = await reader.collect();
      expect(errors).toEqual([]);
      return new Map(resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).map((metric) => [metric.descriptor.name, metric]));
    },
  };
}

/** The value of the one data point of `name` (or the one with `stat`). */
function value(metrics: Map<string, MetricData>, name: string, stat?: string): number {
  const metric = metrics.get(name);
  if (metric === undefined) throw new Error(`no instrument ${name}; have ${[...metrics.keys()].join(', ')}`);
  const points = metric.dataPoints.filter((point) => stat === undefined || point.attributes.stat === stat);
  expect(points).toHaveLength(1);
  return points[0]!.value as number;
}

let h: Harness | undefined;
const closing: { shutdown(): Promise<void> }[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  await Promise.all(closing.splice(0).map((provider) => provider.shutdown()));
});

describe('otelMetrics on a real MeterProvider', () => {
  it("observes an attached transport's metrics: counters, gauges and durations by stat", async () => {
    const otel = sdk();
    closing.push(otel.provider);
    h = await start();
    otelMetrics(otel.meter, h.attached, { attributes: { instance: 'a' } });
    const { peer, session } = await livePeer(h, page('a'));
    const rendered = await session.render(page('b'));
    await peer.expect('updates');

    const metrics = await otel.collect();
    const snapshot = h.attached.metrics();
    expect(value(metrics, 'statetemplate.renders')).toBe(1);
    expect(value(metrics, 'statetemplate.updates')).toBe(rendered.length);
    expect(value(metrics, 'statetemplate.sessions')).toBe(1);
    expect(value(metrics, 'statetemplate.connections')).toBe(1);
    expect(value(metrics, 'statetemplate.connections.live')).toBe(1);
    expect(value(metrics, 'statetemplate.sent.size')).toBe(snapshot.bytesSent);
    expect(value(metrics, 'statetemplate.sent.messages')).toBe(2);
    expect(value(metrics, 'statetemplate.store.calls')).toBe(snapshot.store.calls);
    expect(value(metrics, 'statetemplate.store.duration', 'p99')).toBe(snapshot.store.ms.p99);
    expect(value(metrics, 'statetemplate.render.duration', 'last')).toBe(snapshot.renderMs.last);
    // Counters are monotonic sums, gauges gauges.
    expect(metrics.get('statetemplate.renders')).toMatchObject({ descriptor: { unit: '{render}' }, dataPointType: DataPointType.SUM, isMonotonic: true });
    expect(metrics.get('statetemplate.sessions')!.dataPointType).toBe(DataPointType.GAUGE);
    expect(metrics.get('statetemplate.sent.size')!.dataPoints[0]!.attributes).toEqual({ instance: 'a' });
    expect(metrics.get('statetemplate.store.duration')!.dataPoints.map((point) => point.attributes.stat).sort()).toEqual(['avg', 'last', 'p99']);

    await session.render(page('c'));
    await peer.expect('updates');
    expect(value(await otel.collect(), 'statetemplate.renders')).toBe(2);
  });

  it("observes a StateTemplate alone, without the transport's instruments, under its own prefix, until removed", async () => {
    const otel = sdk();
    closing.push(otel.provider);
    const st = new StateTemplate(TEMPLATE, { signingKey: SIGNING_KEY });
    const remove = otelMetrics(otel.meter, st, { prefix: 'todos.' });
    const { sessionId, token } = await st.newSession(page('a'));
    await (await st.getSession(sessionId, token)).render(page('b'));
    const metrics = await otel.collect();
    expect(value(metrics, 'todos.renders')).toBe(1);
    expect(metrics.has('todos.connections')).toBe(false);
    remove();
    // Removed: a render after it is not observed (the SDK may repeat what it had).
    await (await st.getSession(sessionId, token)).render(page('c'));
    expect((await otel.collect()).get('todos.renders')?.dataPoints.map((point) => point.value) ?? []).not.toContain(2);
    await st.close();
  });
});
