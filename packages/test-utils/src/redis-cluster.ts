import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
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
      // Its own folder: a replica writes the RDB of its first sync there, which a node started in the same place would load.
      const dir = join(folder, `node-${i}`);
      await mkdir(dir);
      // A short node timeout makes a failover start soon after a master dies; the tests wait for it, never time it.
      nodes.push(await startNode(['--dir', dir, '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '1000']));
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: readyWithinMs }).catch(
      (error: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`redis-cli --cluster create failed: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      },
    );
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
  if (replicas > 0) await replicated(nodes, masters, replicas);
  return cluster;
}

/** Waits until `masters` masters each have `replicas` replicas online (their first sync done). */
async function replicated(nodes: readonly RedisServer[], masters: number, replicas: number): Promise<void> {
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    const infos = await Promise.all(nodes.map((node) => cli(node.port, 'INFO', 'replication').catch(() => '')));
    const synced = infos.filter((info) => /role:master/.test(info) && (info.match(/^slave\d+:.*state=online/gm) ?? []).length === replicas);
    if (synced.length === masters) return;
    if (Date.now() > deadline) throw new Error(`replicas not in sync within ${readyWithinMs} ms`);
    await sleep(pollEveryMs);
  }
}

/**
 * A node on a port from 10000 to 19999, its cluster bus on port + 10000:
 * both below the ephemeral range other servers get their free ports from, so
 * a server stopped and restarted on its port by another test never finds a
 * cluster node there, nor its clients the node's data.
 */
async function startNode(args: string[]): Promise<RedisServer> {
  for (let attempt = 1; ; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * 10_000);
    try {
      return await startRedisServer({ port, args });
    } catch (error) {
      if (attempt === 20) throw error;
    }
  }
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), '--raw', ...args], { timeout: 5_000 });
  return stdout.trim();
}

/** CLUSTER INFO of a node, or null when it does not answer. */
function clusterInfo(port: number): Promise<string | null> {
  return cli(port, 'CLUSTER', 'INFO').catch(() => null);
}
