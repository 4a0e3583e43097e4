// NAIVE, DO NOT COPY. Sessions kept in a Map in the process's memory, given to
// koa-session as its store: the cookie holds only the key into the Map. With several
// workers the session is in one process and missing from the others; a restart (or a
// crash) empties the Map; and every visitor without a cookie adds an entry for good.
// (Plain-text pages keep the demonstration short; POST /items?item=tea adds an item.)
import Koa from 'koa';
import createSession from 'koa-session';
import { inspect, stateInspector } from '@course/platform';
import { servedBy } from '../src/served-by.ts';
import { SESSION_COOKIE } from '../src/session.ts';

interface Cart {
  counter?: number;
  items?: string[];
}

// #region naive
const sessions = new Map<string, unknown>(); // this process's memory only

const memoryStore = {
  get: async (key: string) => sessions.get(key),
  set: async (key: string, session: unknown) => void sessions.set(key, session),
  destroy: async (key: string) => void sessions.delete(key),
};
// #endregion naive

export function createApp({ keys }: { keys: string[] }): Koa {
  const app = new Koa({ keys });
  app.use(stateInspector(app.env)); // development only: in a browser, where the state lives
  app.use(servedBy());
  app.use(async (ctx, next) => {
    await next(); // once the session is saved
    ctx.body += `Sessions in this process's memory: ${sessions.size}\n`;
    const session = ctx.session as Cart | null;
    inspect(ctx, {
      what: 'ctx.session (counter, items)',
      value: session && { counter: session.counter, items: session.items },
      where: `a Map in this process's memory (pid ${process.pid}): ${sessions.size} sessions here`,
      who: 'this visitor, in this process only',
      lasts: 'until this process ends',
    });
  });
  app.use(createSession({ key: SESSION_COOKIE, store: memoryStore }, app));
  app.use((ctx) => {
    const session = ctx.session as Cart;
    const item = ctx.query.item;
    if (ctx.method === 'POST' && typeof item === 'string') {
      session.items = [...(session.items ?? []), item];
    }
    session.counter = (session.counter ?? 0) + 1;
    ctx.body =
      `Count: ${session.counter}\n` +
      `Cart: ${(session.items ?? []).join(', ') || '(empty)'}\n`;
  });
  return app;
}
