// NAIVE, DO NOT COPY. The visit count kept in the database, as it should be, but counted
// in two statements: read the number, then write it back plus one, with an await between
// them. Two requests that read the same number both write the same number plus one: one
// visit is lost. Several requests in one process can interleave at the await; two
// worker processes can interleave anywhere. (Plain-text pages keep the demonstration
// short.)
import { DatabaseSync } from 'node:sqlite';
import { setImmediate as nextTurn } from 'node:timers/promises';
import Koa from 'koa';
import { inspect, shownPath, stateInspector } from '@course/platform';
import { servedBy } from '../src/served-by.ts';

export function createApp({ databasePath }: { databasePath: string }): Koa {
  // A connection of its own to the step's file, which the demo has already opened (and
  // so created, with its tables), with a busy timeout: the only mistake is the counting.
  const db = new DatabaseSync(databasePath);
  db.exec('PRAGMA busy_timeout = 5000');

  // #region naive
  const read = db.prepare('SELECT visits FROM site_counts');
  const write = db.prepare('UPDATE site_counts SET visits = ?');

  async function countVisit(ctx: Koa.Context) {
    const { visits } = read.get() as { visits: number }; // 1. read the count
    await nextTurn(); // anything awaited: another query, a cache, a call to an API
    write.run(visits + 1); // 2. write back what was read, plus one
    ctx.body = `Visits to this site: ${visits + 1}\n`;
  }
  // #endregion naive

  const app = new Koa();
  app.use(stateInspector(app.env)); // development only: in a browser, where the state lives
  app.use(servedBy());
  app.use(async (ctx, next) => {
    await next();
    inspect(ctx, {
      what: 'visits',
      value: Number(/\d+/.exec(String(ctx.body))?.[0]), // as this request wrote it back
      where: `the site_counts table of ${shownPath(databasePath)}, read, then written back plus one: two statements, with an await between`,
      who: 'every visitor, in every worker: two at once may both write the same number',
      lasts: 'until the file is deleted',
    });
  });
  app.use(countVisit);
  return app;
}
