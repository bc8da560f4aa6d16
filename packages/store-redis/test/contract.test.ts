import { describe } from 'vitest';
import { describeStoreContract, needs } from '@statetemplate/test-utils';
import { redisServer, useRedisServer } from './redis-fixture.js';

describe('RedisSessionStore', needs(redisServer), () => {
  const redis = useRedisServer();
  let namespace = 0;
  // Each test gets its own prefix as well as a flushed server.
  describeStoreContract('redis', () => redis.store({ prefix: `contract-${++namespace}:` }));
});
