import type { Middleware } from 'koa';
import { inspect, readSmallFile, shownPath } from '@course/platform';

// A notice longer than this is cut short: it is one line at the top of every page.
export const MAX_NOTICE_LENGTH = 300;

// The site notice: a small file whoever runs the site may edit at any time. Read on every
// request, an edit shows on the next page, from every worker, with no restart; read once at
// start-up, each worker would show what the file said when it started. No file, no notice.
export async function readNotice(file: string): Promise<string> {
  const text = await readSmallFile(file, 4 * MAX_NOTICE_LENGTH); // UTF-8: <= 4 bytes each
  return (text ?? '').trim().slice(0, MAX_NOTICE_LENGTH);
}

// Puts the notice in ctx.state.notice (per request data) for the layout. One that cannot
// be read (a folder, a pipe, no permission) is left out and logged once, until it can.
export function siteNotice(file: string): Middleware {
  let problem = '';
  // For the state inspector: where the notice lives, who shares it, for how long.
  const where = `the file ${shownPath(file)}, read again for this request`;
  const home = { where, who: 'every visitor', lasts: 'until the file changes' };
  return async function siteNotice(ctx, next) {
    try {
      ctx.state.notice = await readNotice(file);
      problem = '';
      inspect(ctx, { what: 'the site notice', value: ctx.state.notice, ...home });
    } catch (error) {
      const message = `Cannot read the site notice: ${(error as Error).message}`;
      if (message !== problem) console.error(message);
      problem = message;
    }
    await next();
  };
}
