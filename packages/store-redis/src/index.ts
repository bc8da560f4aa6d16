export { RedisSessionStore, defaultRedisUrl, type RedisSessionStoreOptions } from './redis-session-store.js';
export { clusterFailFastOptions, failFastOptions } from './connection.js';
export { defaultPrefix, defaultShards, keyLayout, type KeyLayout } from './key-layout.js';
