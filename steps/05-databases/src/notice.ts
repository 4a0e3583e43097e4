import type { Middleware } from 'koa';
import { readSmallFile } from '@course/platform';

// A notice longer than this is cut short: it is one line at the top of every page.
export const MAX_NOTICE_LENGTH = 300;

// #region notice
// The site notice: a small text file that whoever runs the site may edit at any time.
// It is read on every request, so an edit shows on the next page, from every worker,
// with no restart. Read once at start-up, it would be stale until the next restart,
// and each worker would show whatever the file said when that worker started.
// No file, no notice: that is how the notice is taken down. The platform's readSmallFile
// reads only the start of a regular file, and never waits on a pipe.
export async function readNotice(file: string): Promise<string> {
  const text = await readSmallFile(file, 4 * MAX_NOTICE_LENGTH); // UTF-8: <= 4 bytes each
  return (text ?? '').trim().slice(0, MAX_NOTICE_LENGTH);
}

// Puts the notice in ctx.state.notice, where the layout finds it: per request data,
// made again for every request. One that cannot be read (a folder, a pipe, no
// permission) is left out of the pages and logged once, until it can be read again.
export function siteNotice(file: string): Middleware {
  let problem = '';
  return async function siteNotice(ctx, next) {
    try {
      ctx.state.notice = await readNotice(file);
      problem = '';
    } catch (error) {
      const message = `Cannot read the site notice: ${(error as Error).message}`;
      if (message !== problem) console.error(message);
      problem = message;
    }
    await next();
  };
}
// #endregion notice
