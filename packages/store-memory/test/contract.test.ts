import { describeStoreContract } from '@statetemplate/test-utils';
import { MemorySessionStore } from '../src/index.js';

describeStoreContract('MemorySessionStore', () => new MemorySessionStore());
