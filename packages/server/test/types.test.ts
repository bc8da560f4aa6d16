import { describe, expectTypeOf, it } from 'vitest';
import { StateTemplate, type Session } from '@statetemplate/session';
import type { AttachOptions } from '../src/index.js';

interface TodoPage {
  title: string;
  items: { id: number; text: string }[];
}

// Checked by the typecheck (tsc -p tsconfig.test.json), which the test command runs first.
describe('typed data', () => {
  it("types the session every hook gets with the StateTemplate's data", () => {
    const options: AttachOptions<TodoPage> = {
      stateTemplate: new StateTemplate<TodoPage>('<h1>{{title}}</h1>', { signingKey: 'types test signing key, at least 32 bytes' }),
      async onEvent(session) {
        expectTypeOf(session).toEqualTypeOf<Session<TodoPage>>();
        // @ts-expect-error: the page's data must be a TodoPage
        await session.render({ title: 1 });
      },
      onConnect(session) {
        expectTypeOf(session).toEqualTypeOf<Session<TodoPage>>();
      },
    };
    expectTypeOf(options.stateTemplate.newSession).parameter(0).toEqualTypeOf<TodoPage>();
  });

  it('keeps untyped use as it was', () => {
    expectTypeOf<Parameters<NonNullable<AttachOptions['onEvent']>>[0]>().toEqualTypeOf<Session>();
  });
});
