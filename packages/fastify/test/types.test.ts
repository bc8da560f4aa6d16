import Fastify from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import { StateTemplate, type Session } from '@statetemplate/session';
import { live } from '../src/index.js';

interface Counter {
  count: number;
}

// Checked by the typecheck, which the test command runs first.
describe('typed options through fastify.register', () => {
  it('takes a typed StateTemplate and typed event handlers', async () => {
    const fastify = Fastify();
    const stateTemplate = new StateTemplate<Counter>('<p>{{count}}</p>', { signingKey: 'fastify types test signing key, 32+ bytes' });
    await fastify.register(live<Counter, { add: { by: number } }>, {
      stateTemplate,
      events: {
        async add(session, { by }) {
          expectTypeOf(session).toEqualTypeOf<Session<Counter>>();
          await session.render({ count: by });
        },
      },
    });
    await fastify.close();
    await stateTemplate.close();
  });
});
