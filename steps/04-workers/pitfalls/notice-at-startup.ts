// NAIVE, DO NOT COPY. The site notice read once, when the app is made: an edit to the
// file shows only after a restart, and with several workers, a worker restarted after
// the edit shows the new notice while the others still show the old one.
// (Plain-text pages keep the demonstration short.)
import { readFileSync } from 'node:fs';
import Koa from 'koa';
import { inspect, shownPath, stateInspector } from '@course/platform';
import { DEFAULT_NOTICE_FILE } from '../src/config.ts';
import { servedBy } from '../src/served-by.ts';

export function createApp({ noticeFile = DEFAULT_NOTICE_FILE }: { noticeFile?: string }): Koa {
  // #region naive
  const notice = readFileSync(noticeFile, 'utf8').trim(); // once, at start-up
  // #endregion naive
  const app = new Koa();
  app.use(stateInspector(app.env)); // development only: in a browser, where the state lives
  app.use(servedBy());
  app.use(async (ctx, next) => {
    await next();
    inspect(ctx, {
      what: 'notice',
      value: notice,
      where: `this process's memory (pid ${process.pid}): ${shownPath(noticeFile)} as it was at start-up`,
      who: 'every visitor this process serves',
      lasts: 'until this process restarts: an edit to the file is not seen',
    });
  });
  app.use((ctx) => {
    ctx.body = `Notice: ${notice}\n`;
  });
  return app;
}
