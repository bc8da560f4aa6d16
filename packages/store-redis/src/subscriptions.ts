import type { Connection } from './connection.js';

type Listener = (message: string) => void;

interface Channel {
  readonly listeners: Set<Listener>;
  /** Settles when Redis has confirmed the SSUBSCRIBE. */
  readonly subscribed: Promise<void>;
}

/**
 * All of a store's subscriptions on one dedicated subscriber connection: one
 * Redis SSUBSCRIBE (sharded pub/sub, Redis 7) per channel, fanned out to its
 * listeners in arrival order. ioredis re-subscribes every channel by itself
 * after a reconnect (of the connection, or of a Cluster's shard subscriber).
 */
export class Subscriptions {
  private connection: Connection | null = null;
  private readonly channels = new Map<string, Channel>();
  private readonly resubscribed = new Set<() => void>();

  constructor(
    /** Opens the subscriber connection, on first use. */
    private readonly connect: () => Connection,
    /** Where exceptions thrown by listeners and failed unsubscribes go. */
    private readonly report: (error: unknown) => void,
  ) {}

  async add(name: string, listener: Listener): Promise<() => Promise<void>> {
    const channel = this.channels.get(name) ?? this.openChannel(name);
    channel.listeners.add(listener);
    try {
      await channel.subscribed;
    } catch (error) {
      channel.listeners.delete(listener);
      throw error;
    }
    let removed = false;
    return async () => {
      if (removed) return;
      removed = true;
      await this.remove(name, listener);
    };
  }

  /** Calls `listener` after each reconnect of the subscriber connection (ioredis re-subscribes by itself; messages between were lost). */
  onResubscribe(listener: () => void): () => void {
    this.resubscribed.add(listener);
    return () => void this.resubscribed.delete(listener);
  }

  async close(): Promise<void> {
    this.resubscribed.clear();
    this.channels.clear();
    await this.connection?.close();
    this.connection = null;
  }

  private openChannel(name: string): Channel {
    const subscribed = this.subscriber().run('subscribe', async (client) => void (await client.ssubscribe(name)));
    const channel: Channel = { listeners: new Set(), subscribed };
    this.channels.set(name, channel);
    // Forget a failed channel so the next subscriber tries again.
    subscribed.catch(() => {
      if (this.channels.get(name) === channel) this.channels.delete(name);
    });
    return channel;
  }

  private async remove(name: string, listener: Listener): Promise<void> {
    const channel = this.channels.get(name);
    if (!channel?.listeners.delete(listener) || channel.listeners.size > 0) return;
    this.channels.delete(name);
    // The listener is gone locally whatever happens; a failed SUNSUBSCRIBE only
    // leaves Redis sending messages that nobody receives.
    await this.subscriber()
      .run('unsubscribe', (client) => client.sunsubscribe(name))
      .catch(this.report);
  }

  private subscriber(): Connection {
    if (this.connection) return this.connection;
    const connection = this.connect();
    connection.client.on('smessage', (name: string, message: string) => this.deliver(name, message));
    let connected = false;
    connection.client.on('ready', () => {
      if (!connected) return void (connected = true);
      // ioredis sends the SSUBSCRIBEs right after this event: a PING queued behind them answers once
      // they are in force, so nothing published after the listeners look is lost.
      queueMicrotask(() => {
        connection.client.ping().then(() => this.resubscribe(), this.report);
      });
    });
    // A Cluster's sharded subscribers reconnect on their own (a failover moves a slot): it says so once they are subscribed again.
    connection.client.on('subscribersReady', () => this.resubscribe());
    this.connection = connection;
    return connection;
  }

  private resubscribe(): void {
    for (const listener of this.resubscribed) listener();
  }

  private deliver(name: string, message: string): void {
    for (const listener of this.channels.get(name)?.listeners ?? []) {
      try {
        listener(message);
      } catch (error) {
        this.report(error);
      }
    }
  }
}
