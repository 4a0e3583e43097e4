import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

// #region read-small-file
// The start of a small text file that someone may edit, replace or remove at any time,
// read on every request: at most `maxBytes` bytes, as UTF-8; undefined when there is no
// such file. It never waits: opening a FIFO (a named pipe) waits for a writer, and
// reading it waits for its data, which would hang every request, so the file is opened
// with O_NONBLOCK (POSIX's; 0 elsewhere) and anything but a regular file (a pipe, a
// device, a folder) is refused with an error that names it. The four calls are made in
// this thread: on a small local file each takes microseconds, less than a trip to libuv's
// thread pool and back (with fs/promises, `npm run bench -- versus` measured step 06's
// page at 0.82-0.90x of Express doing the same work; like this, 1.13x). On a network file
// system, where a call may take long, fs/promises would be the better choice.
export async function readSmallFile(
  file: string,
  maxBytes: number,
): Promise<string | undefined> {
  let fd;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${file} is not a regular file`);
    const buffer = Buffer.alloc(maxBytes);
    const bytesRead = readSync(fd, buffer, 0, maxBytes, 0);
    return buffer.toString('utf8', 0, bytesRead);
  } finally {
    closeSync(fd);
  }
}
// #endregion read-small-file
