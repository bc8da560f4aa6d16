import { Demo } from './app.js';
import { consoleLogger } from './console-logger.js';

// `pnpm demo` starts this: PORT (default 3000), HOST (default 127.0.0.1), SIGNING_KEY for the tokens.
// Memory by default; `--redis` (or `--redis=URL`, or REDIS_URL) shares sessions and the list with other instances.
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`PORT must be a port number, got ${process.env.PORT}`);
const redisUrl = redisFlag(process.argv.slice(2)) ?? (process.env.REDIS_URL || undefined);

const demo = await Demo.start({ redisUrl, signingKey: process.env.SIGNING_KEY || undefined, logger: consoleLogger });
const url = await demo.listen(port, process.env.HOST ?? '127.0.0.1');
console.log(`StateTemplate demo on ${url.href} (${redisUrl ? `Redis ${redisUrl}` : 'memory store'})`);

/** `--redis` is the local Redis, `--redis=URL` another; undefined without the flag. */
function redisFlag(args: readonly string[]): string | undefined {
  const flag = args.find((arg) => arg === '--redis' || arg.startsWith('--redis='));
  if (flag === undefined) return undefined;
  return flag === '--redis' ? 'redis://127.0.0.1:6379' : flag.slice('--redis='.length);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    demo.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
