import type { Attributes, BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import type { LatencySnapshot, StateTemplateMetrics } from '@statetemplate/session';
import type { TransportMetrics } from './connections.js';

/** What otelMetrics reads: a StateTemplate (`st.metrics()`) or an attached transport (`attached.metrics()`, which adds the transport's). */
export interface MetricsSource {
  metrics(): StateTemplateMetrics | (StateTemplateMetrics & TransportMetrics);
}

export interface OtelMetricsOptions {
  /** Attributes of every measurement, e.g. `{ 'service.instance.id': … }`; default none. */
  attributes?: Attributes;
  /** Prefix of the instruments' names; default `'statetemplate.'`. */
  prefix?: string;
}

type Metrics = StateTemplateMetrics & Partial<TransportMetrics>;

interface Instrument {
  name: string;
  kind: 'counter' | 'gauge';
  unit: string;
  description: string;
  /** A value, or one value per latency figure (attribute `stat`). */
  read(metrics: Metrics): number | LatencySnapshot;
}

const SESSION: readonly Instrument[] = [
  { name: 'sessions', kind: 'gauge', unit: '{session}', description: 'Sessions with an open update stream on this instance', read: (m) => m.sessions },
  { name: 'streams', kind: 'gauge', unit: '{stream}', description: 'Open update streams', read: (m) => m.streams },
  { name: 'queue.items', kind: 'gauge', unit: '{update}', description: 'Updates and commands waiting in the streams for their consumers', read: (m) => m.queued },
  { name: 'queue.size', kind: 'gauge', unit: 'By', description: 'About the bytes of html waiting in the streams', read: (m) => m.queuedBytes },
  { name: 'renders', kind: 'counter', unit: '{render}', description: 'Renders committed', read: (m) => m.renders.total },
  { name: 'renders.rate', kind: 'gauge', unit: '{render}/s', description: 'Renders per second over the last 10 s', read: (m) => m.renders.perSecond },
  { name: 'updates', kind: 'counter', unit: '{update}', description: 'Updates the renders produced', read: (m) => m.updates.total },
  { name: 'updates.rate', kind: 'gauge', unit: '{update}/s', description: 'Updates per second over the last 10 s', read: (m) => m.updates.perSecond },
  { name: 'publishes', kind: 'counter', unit: '{publish}', description: 'Topic publishes', read: (m) => m.publishes },
  { name: 'coalesced', kind: 'counter', unit: '{update}', description: 'Updates slow streams dropped, covered by newer ones or by a whole page', read: (m) => m.coalesced },
  { name: 'resyncs', kind: 'counter', unit: '{resync}', description: 'Whole pages streams delivered instead of updates', read: (m) => m.resyncs },
  { name: 'render.duration', kind: 'gauge', unit: 'ms', description: "Render durations (stat: last, avg, p99 of the last 1,024)", read: (m) => m.renderMs },
  { name: 'store.calls', kind: 'counter', unit: '{call}', description: 'Session store calls', read: (m) => m.store.calls },
  { name: 'store.errors', kind: 'counter', unit: '{call}', description: 'Session store calls that failed', read: (m) => m.store.errors },
  { name: 'store.failing', kind: 'gauge', unit: '1', description: 'Whether the last store call failed', read: (m) => (m.store.failing ? 1 : 0) },
  { name: 'store.duration', kind: 'gauge', unit: 'ms', description: 'Store call durations (stat: last, avg, p99 of the last 1,024)', read: (m) => m.store.ms },
];

const TRANSPORT: readonly Instrument[] = [
  { name: 'connections', kind: 'gauge', unit: '{connection}', description: 'Open connections, authenticated or not', read: (m) => m.connections! },
  { name: 'connections.live', kind: 'gauge', unit: '{connection}', description: 'Authenticated connections streaming a session', read: (m) => m.live! },
  { name: 'sent.size', kind: 'counter', unit: 'By', description: 'Message bytes sent, before compression and framing', read: (m) => m.bytesSent! },
  { name: 'sent.messages', kind: 'counter', unit: '{message}', description: 'Messages sent', read: (m) => m.framesSent! },
  { name: 'sent.resyncs', kind: 'counter', unit: '{resync}', description: 'Whole pages sent', read: (m) => m.resyncsSent! },
  { name: 'buffered', kind: 'gauge', unit: 'By', description: 'Bytes waiting in the sockets', read: (m) => m.buffered! },
  { name: 'congested', kind: 'gauge', unit: '{connection}', description: 'Connections past highWaterBytes', read: (m) => m.congested! },
];

const STATS = ['last', 'avg', 'p99'] as const;

/**
 * Registers observable instruments on `meter` that read `source.metrics()`
 * once per collection: counters for what only grows (renders, updates,
 * bytes sent), gauges for the rest, durations as gauges with a `stat`
 * attribute (`last`, `avg`, `p99`). An attached transport gets the
 * transport's instruments too. Returns the function that removes them.
 * `@opentelemetry/api` is an optional peer: only its types are used, the
 * meter is yours.
 */
export function otelMetrics(meter: Meter, source: MetricsSource, options: OtelMetricsOptions = {}): () => void {
  const { attributes = {}, prefix = 'statetemplate.' } = options;
  const wanted = 'connections' in source.metrics() ? [...SESSION, ...TRANSPORT] : SESSION;
  const observed = wanted.map((instrument) => {
    const { kind, unit, description } = instrument;
    const name = prefix + instrument.name;
    const observable = kind === 'counter' ? meter.createObservableCounter(name, { unit, description }) : meter.createObservableGauge(name, { unit, description });
    return { instrument, observable };
  });
  const callback: BatchObservableCallback = (result) => {
    const metrics: Metrics = source.metrics();
    for (const { instrument, observable } of observed) {
      const value = instrument.read(metrics);
      if (typeof value === 'number') result.observe(observable, value, attributes);
      else for (const stat of STATS) result.observe(observable, value[stat], { ...attributes, stat });
    }
  };
  const observables: Observable[] = observed.map(({ observable }) => observable);
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
