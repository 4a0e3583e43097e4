// NAIVE, DO NOT COPY. The site notice read once, when the app is made: an edit to the
// file shows only after a restart, and with several workers, a worker restarted after
// the edit shows the new notice while the others still show the old one.
// (Plain-text pages keep the demonstration short.)
import { readFileSync } from 'node:fs';
import Koa from 'koa';
import { DEFAULT_NOTICE_FILE } from '../src/config.ts';
import { servedBy } from '../src/served-by.ts';

export function createApp({ noticeFile = DEFAULT_NOTICE_FILE }: { noticeFile?: string }): Koa {
  // #region naive
  const notice = readFileSync(noticeFile, 'utf8').trim(); // once, at start-up
  // #endregion naive
  const app = new Koa();
  app.use(servedBy());
  app.use((ctx) => {
    ctx.body = `Notice: ${notice}\n`;
  });
  return app;
}
