import { Demo } from './app.js';
import { consoleLogger } from './console-logger.js';

// `pnpm demo` starts this: PORT (default 3000), HOST (default 127.0.0.1),
// REDIS_URL to share sessions and the list with other instances, SIGNING_KEY for their tokens.
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`PORT must be a port number, got ${process.env.PORT}`);

const demo = await Demo.start({ redisUrl: process.env.REDIS_URL || undefined, signingKey: process.env.SIGNING_KEY || undefined, logger: consoleLogger });
const url = await demo.listen(port, process.env.HOST ?? '127.0.0.1');
console.log(`StateTemplate demo on ${url.href} (${process.env.REDIS_URL ? `Redis ${process.env.REDIS_URL}` : 'memory store'})`);

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
