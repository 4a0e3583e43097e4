import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Middleware } from 'koa';

// A notice longer than this is cut short: it is one line at the top of every page.
export const MAX_NOTICE_LENGTH = 300;
// Bytes read at most: enough for MAX_NOTICE_LENGTH characters of any UTF-8 text.
const MAX_NOTICE_BYTES = 4 * MAX_NOTICE_LENGTH;

// #region notice
// The site notice: a small text file that whoever runs the site may edit at any time.
// It is read on every request, so an edit shows on the next page, from every worker,
// with no restart. Read once at start-up, it would be stale until the next restart,
// and each worker would show whatever the file said when that worker started.
export async function readNotice(file: string): Promise<string> {
  let handle;
  try {
    // Without waiting: opening a FIFO (a named pipe) waits for a writer, and reading it
    // waits for its data, which would hang every page. O_NONBLOCK is POSIX's (0 elsewhere).
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    // No file, no notice: that is how the notice is taken down.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
  try {
    // A regular file only (not a pipe, a device or a folder), and only its start: a
    // notice is one line, and a huge file must not be read on every request.
    if (!(await handle.stat()).isFile()) throw new Error(`${file} is not a regular file`);
    const { buffer, bytesRead } = await handle.read(
      Buffer.alloc(MAX_NOTICE_BYTES),
      0,
      MAX_NOTICE_BYTES,
      0,
    );
    return buffer.toString('utf8', 0, bytesRead).trim().slice(0, MAX_NOTICE_LENGTH);
  } finally {
    await handle.close();
  }
}

// Puts the notice in ctx.state.notice, where the layout finds it: per request data,
// made again for every request.
export function siteNotice(file: string): Middleware {
  // A notice that cannot be read (a folder, a pipe, no permission) is left out of the pages and
  // logged once, not once per request, until it can be read again.
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
