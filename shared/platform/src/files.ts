import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

// #region read-small-file
// The start of a small text file that someone may edit, replace or remove at any time,
// read on every request: at most `maxBytes` bytes, as UTF-8; undefined when there is no
// such file. It never waits: opening a FIFO (a named pipe) waits for a writer, and
// reading it waits for its data, which would hang every request, so the file is opened
// with O_NONBLOCK (POSIX's; 0 elsewhere) and anything but a regular file (a pipe, a
// device, a folder) is refused with an error that names it.
export async function readSmallFile(
  file: string,
  maxBytes: number,
): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    if (!(await handle.stat()).isFile()) throw new Error(`${file} is not a regular file`);
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(maxBytes), 0, maxBytes, 0);
    return buffer.toString('utf8', 0, bytesRead);
  } finally {
    await handle.close();
  }
}
// #endregion read-small-file
