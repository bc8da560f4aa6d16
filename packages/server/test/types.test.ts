import { describe, expectTypeOf, it } from 'vitest';
import { StateTemplate, type Session } from '@statetemplate/session';
import type { JsonValue } from '@statetemplate/protocol';
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

  it('types each event handler with its payload', () => {
    type TodoEvents = { add: { text: string }; toggle: { id: number }; clear: null };
    const options: AttachOptions<TodoPage, TodoEvents> = {
      stateTemplate: new StateTemplate<TodoPage>('<h1>{{title}}</h1>', { signingKey: 'types test signing key, at least 32 bytes' }),
      events: {
        add(session, payload) {
          expectTypeOf(session).toEqualTypeOf<Session<TodoPage>>();
          expectTypeOf(payload).toEqualTypeOf<{ text: string }>();
        },
        toggle: (_, { id }) => void expectTypeOf(id).toEqualTypeOf<number>(),
        // @ts-expect-error: the page sends no such event
        remove() {},
      },
    };
    expectTypeOf(options.events!.clear).parameter(1).toEqualTypeOf<null>();
  });

  it('keeps untyped use as it was', () => {
    expectTypeOf<Parameters<NonNullable<AttachOptions['onEvent']>>[0]>().toEqualTypeOf<Session>();
    expectTypeOf<Parameters<NonNullable<NonNullable<AttachOptions['events']>['any']>>[1]>().toEqualTypeOf<JsonValue>();
  });
});
