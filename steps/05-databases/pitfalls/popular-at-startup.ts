// NAIVE, DO NOT COPY. The popular list read from the database once, when the app is made
// ("it hardly ever changes"), and kept in a variable: the database is shared, but this
// copy of it is not. An item added through another worker, or by anyone with a second
// connection to the file (the sqlite3 command line), shows only after a restart; and a
// worker restarted after the change shows it while the others do not.
// (Plain-text pages keep the demonstration short; POST /items?item=tea adds an item.)
import Koa from 'koa';
import { inspect, stateInspector } from '@course/platform';
import type { SiteDatabase } from '../src/db.ts';
import { servedBy } from '../src/served-by.ts';

export function createApp({ db }: { db: SiteDatabase }): Koa {
  // #region naive
  const popular = db.popular(); // read once, at start-up: a copy that never changes
  // #endregion naive

  const app = new Koa();
  app.use(stateInspector(app.env)); // development only: in a browser, where the state lives
  app.use(servedBy());
  app.use(async (ctx, next) => {
    await next();
    inspect(ctx, {
      what: 'popular',
      value: popular,
      where: `a copy in this process's memory (pid ${process.pid}), read at start-up from ${db.home('popular').where}`,
      who: 'the visitors this process serves; each worker has its own copy',
      lasts: 'until this process restarts: what is added since is not seen',
    });
  });
  app.use((ctx) => {
    const item = ctx.query.item;
    if (ctx.method === 'POST' && typeof item === 'string') db.countAdd(item); // written...
    const list = popular.map(({ item, adds }) => `${item} (${adds})`).join(', ');
    ctx.body = `Popular with everyone: ${list || 'nothing yet'}\n`; // ...but never read again
  });
  return app;
}
