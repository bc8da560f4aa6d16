import type { Logger } from '@statetemplate/store';
import { Latency, type LatencySnapshot } from './latency.js';
import { Rate, type RateSnapshot } from './rate.js';
import { StoreHealth, type StoreMetrics } from './store-health.js';

/** `st.metrics()`: what this instance of a StateTemplate is doing, as plain numbers. */
export interface StateTemplateMetrics {
  /** Sessions with an open update stream here (a live page served by this instance). */
  sessions: number;
  /** Open update streams (a session may have several pages). */
  streams: number;
  /** Updates and commands waiting in those streams for their consumer (a slow page's backlog), and about their bytes of html. */
  queued: number;
  queuedBytes: number;
  /** Renders committed (session renders, stream changes and resync renders), counting those that changed nothing. */
  renders: RateSnapshot;
  /** Updates those renders produced. */
  updates: RateSnapshot;
  /** Topic publishes made here. */
  publishes: number;
  /** Updates a slow stream dropped because a newer replace covered them, or collapsed into a whole page. */
  coalesced: number;
  /** Whole pages streams delivered instead of updates: the replay log no longer reached back, or a backlog collapsed. */
  resyncs: number;
  /** A render's duration, from the start of its turn to its commit (diff and store write), in ms. */
  renderMs: LatencySnapshot;
  store: StoreMetrics;
}

/** What the open streams hold, counted when metrics are read. */
export interface StreamCounts {
  sessions: number;
  streams: number;
  queued: number;
  queuedBytes: number;
}

/** The counters behind `metrics()`: increments only, so counting a render allocates nothing. */
export class SessionMetrics {
  readonly renders: Rate;
  readonly updates: Rate;
  readonly renderMs = new Latency();
  readonly store: StoreHealth;
  publishes = 0;
  coalesced = 0;
  resyncs = 0;

  constructor(clock: () => number, logger: Logger | undefined) {
    this.renders = new Rate(clock);
    this.updates = new Rate(clock);
    this.store = new StoreHealth(clock, logger);
  }

  snapshot(streams: StreamCounts): StateTemplateMetrics {
    return {
      ...streams,
      renders: this.renders.snapshot(),
      updates: this.updates.snapshot(),
      publishes: this.publishes,
      coalesced: this.coalesced,
      resyncs: this.resyncs,
      renderMs: this.renderMs.snapshot(),
      store: this.store.snapshot(),
    };
  }
}
