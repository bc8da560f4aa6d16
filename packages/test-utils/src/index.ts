export { strict, requireResource, needs, repoRoot, sharedDir, type Resource } from './resources.js';
export { redisAvailable, startRedisServer, type RedisServer } from './redis-server.js';
export { startRedisCluster, type RedisCluster } from './redis-cluster.js';
export { describeStoreContract, type StoreContractOptions } from './store-contract.js';
export { deepFreeze } from './deep-freeze.js';
export { chromiumAvailable, chromiumPath, launchChromium } from './chromium.js';
export { HANG_GUARD_MS, HEAVY_TEST_MS } from './timeouts.js';
export { domText } from './dom-text.js';
export { COUNTER_TEMPLATE, counterHandlers, liveApp, liveCounterTests, type LiveApp } from './live-counter.js';
