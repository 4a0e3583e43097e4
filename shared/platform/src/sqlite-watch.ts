import { statSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';

// #region file-gone
// Deleting the file (or data/) while the server runs stops nothing: SQLite goes on with
// the file it opened, which no other process can see any more, and a process that opens
// the path later makes a new one. So every FILE_CHECK_EVERY ms, a cheap look (a stat)
// whether the path still names the file this connection opened; if not, onFileGone is
// told once. Closing the connection ends the watch.
export const FILE_CHECK_EVERY = 10_000;
export function watchFile(
  db: DatabaseSync,
  path: string,
  onFileGone: (m: string) => void,
  every: number,
) {
  const opened = statSync(path);
  const timer = setInterval(() => {
    if (!db.isOpen) return clearInterval(timer);
    let now;
    try {
      now = statSync(path, { throwIfNoEntry: false });
    } catch {
      return; // cannot look (a folder's permissions changed): nothing to say for sure
    }
    if (now?.dev === opened.dev && now.ino === opened.ino) return;
    clearInterval(timer);
    onFileGone(
      `The database file ${JSON.stringify(path)} was deleted or replaced while in use: ` +
        'this process goes on with the old one, which nothing else sees. Stop the server ' +
        'and start it again; to start over, use `npm run db -- reset` instead.',
    );
  }, every);
  timer.unref(); // a timer that does not keep the process running
}
// #endregion file-gone
