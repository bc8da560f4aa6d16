import { describe } from 'vitest';
import { describeStoreContract } from '@statetemplate/test-utils';
import { redisOk, useRedisServer } from './redis-fixture.js';

describe.skipIf(!redisOk)('RedisSessionStore', () => {
  const redis = useRedisServer();
  let namespace = 0;
  // Each test gets its own prefix as well as a flushed server.
  describeStoreContract('redis', () => redis.store({ prefix: `contract-${++namespace}:` }));
});
