import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { startRedisServer, type RedisServer } from './redis-server.js';

const run = promisify(execFile);
// A hang guard only: the cluster is up as soon as every node says so.
const readyWithinMs = 60_000;
const pollEveryMs = 50;

/** A throwaway Redis Cluster on 127.0.0.1: its processes, masters and replicas as `redis-cli --cluster create` paired them. */
export interface RedisCluster extends AsyncDisposable {
  readonly nodes: readonly RedisServer[];
  /** `{ host, port }` of every node, for ioredis's Cluster. */
  readonly startupNodes: readonly { host: string; port: number }[];
  /** Waits until every running node reports cluster_state:ok and `masters` masters. */
  ready(): Promise<void>;
  /** The port of the master serving `key`'s slot now. */
  masterOf(key: string): Promise<number>;
  stop(): Promise<void>;
}

/** Starts `masters` masters with `replicas` replicas each (`cluster-enabled yes`) and joins them with `redis-cli --cluster create`. */
export async function startRedisCluster(options: { masters?: number; replicas?: number } = {}): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 0;
  const folder = await mkdtemp(join(tmpdir(), 'statetemplate-redis-cluster-'));
  const nodes: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await rm(folder, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const config = join(folder, `nodes-${i}.conf`);
      // A short node timeout makes a failover start soon after a master dies; the tests wait for it, never time it.
      nodes.push(await startRedisServer({ args: ['--cluster-enabled', 'yes', '--cluster-config-file', config, '--cluster-node-timeout', '1000'] }));
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: readyWithinMs });
  } catch (error) {
    await stop();
    throw error;
  }
  const cluster: RedisCluster = {
    nodes,
    startupNodes: nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
    async ready() {
      const deadline = Date.now() + readyWithinMs;
      for (;;) {
        const states = await Promise.all(nodes.map((node) => clusterInfo(node.port)));
        const up = states.filter((info) => info !== null);
        if (up.length > 0 && up.every((info) => /cluster_state:ok/.test(info!) && new RegExp(`cluster_size:${masters}\\b`).test(info!))) return;
        if (Date.now() > deadline) throw new Error(`the cluster was not ok within ${readyWithinMs} ms:\n${up.join('\n---\n')}`);
        await sleep(pollEveryMs);
      }
    },
    async masterOf(key) {
      for (const node of nodes) {
        const slot = await cli(node.port, 'CLUSTER', 'KEYSLOT', key).catch(() => null);
        if (slot === null) continue;
        const shards = await cli(node.port, 'CLUSTER', 'SLOTS');
        const lines = shards.split('\n');
        // CLUSTER SLOTS in redis-cli's raw form: start, end, master ip, master port, id, then the replicas.
        for (let i = 0; i + 3 < lines.length; i++) {
          const [start, end, , port] = lines.slice(i, i + 4);
          if (/^\d+$/.test(start!) && /^\d+$/.test(end!) && Number(start) <= Number(slot) && Number(slot) <= Number(end) && /^\d+$/.test(port!)) return Number(port);
        }
      }
      throw new Error(`no node knows the master of ${key}`);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
  await cluster.ready();
  return cluster;
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), '--raw', ...args], { timeout: 5_000 });
  return stdout.trim();
}

/** CLUSTER INFO of a node, or null when it does not answer. */
function clusterInfo(port: number): Promise<string | null> {
  return cli(port, 'CLUSTER', 'INFO').catch(() => null);
}
