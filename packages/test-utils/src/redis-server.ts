import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A throwaway redis-server bound to 127.0.0.1 that a test owns and may stop and restart. */
export interface RedisServer extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  /** Stops the server and waits for the process to exit; a no-op when stopped. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after `stop`); resolves once it answers PING. */
  start(): Promise<void>;
  /** Sends the process a signal (SIGSTOP, SIGCONT; SIGKILL resolves once it exited, its data gone). */
  signal(signal: 'SIGSTOP' | 'SIGCONT' | 'SIGKILL'): Promise<void>;
}

const binary = 'redis-server';
// A hang guard only: a loaded machine may take seconds to start a process.
const readyWithinMs = 30_000;
const pollEveryMs = 20;
const exitWithinMs = 2_000;

// A test runner that dies must not leave servers behind.
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/** Whether a `redis-server` binary is on PATH; pass to requireResource. */
export function redisAvailable(): boolean {
  return spawnSync(binary, ['--version'], { stdio: 'ignore', timeout: 5_000 }).status === 0;
}

/** Starts a redis-server with no persistence on a free port (or `port`), with `args` added to its command line. */
export async function startRedisServer(options: { port?: number; args?: readonly string[] } = {}): Promise<RedisServer> {
  // A free port can be taken between probing and binding; only then is another one worth a try.
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const server = new ThrowawayRedis(port, options.args ?? []);
    try {
      await server.start();
      return server;
    } catch (error) {
      if (options.port !== undefined || attempt === 3) throw error;
    }
  }
}

class ThrowawayRedis implements RedisServer {
  readonly url: string;
  private child: ChildProcess | null = null;

  constructor(
    readonly port: number,
    private readonly extra: readonly string[],
  ) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    if (this.child) return;
    // The throwaway server: nothing persisted, reachable only from this host.
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.extra];
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-2_000));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    this.child = child;
    running.add(child);
    const gone = (): void => {
      running.delete(child);
      if (this.child === child) this.child = null;
    };
    child.once('exit', gone);
    child.once('error', gone);
    try {
      await answersAsProcess(this.port, child, () => this.child === child);
    } catch (error) {
      await this.stop();
      throw new Error(`redis-server on port ${this.port}: ${(error as Error).message}\n${output}`);
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (!running.has(child)) return;
    const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // A stopped process takes no SIGTERM.
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const escalate = setTimeout(() => child.kill('SIGKILL'), exitWithinMs);
    await exit;
    clearTimeout(escalate);
  }

  async signal(signal: 'SIGSTOP' | 'SIGCONT' | 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) throw new Error(`redis-server on port ${this.port} is not running`);
    if (signal !== 'SIGKILL') return void child.kill(signal);
    const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exit;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/** A port the OS considers free right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port assigned');
  return address.port;
}

/**
 * Polls until the port answers as this very process (INFO's process_id), so a
 * server someone else runs on that port is never mistaken for ours.
 */
async function answersAsProcess(port: number, child: ChildProcess, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + readyWithinMs;
  while ((await serverPid(port)) !== child.pid) {
    if (!alive()) throw new Error('exited before answering');
    if (Date.now() > deadline) throw new Error(`not ready within ${readyWithinMs} ms`);
    await sleep(pollEveryMs);
  }
}

/** The process id of the Redis answering on `port`, or null when none answers. */
function serverPid(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const finish = (pid: number | null): void => {
      socket.destroy();
      resolve(pid);
    };
    socket.setTimeout(pollEveryMs * 10, () => finish(null));
    socket.once('error', () => finish(null));
    socket.once('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      const pid = /process_id:(\d+)\r\n/.exec(reply)?.[1];
      if (pid !== undefined) finish(Number(pid));
    });
  });
}
