import cluster from 'node:cluster';

// A server that cannot start says why in one line, and exits. Under `npm run dev`
// (node --watch) it stops the watcher too, which would otherwise wait for a file change;
// a worker leaves that to its primary, which stops when a worker cannot start.
export function cannotStart(reason?: string): never {
  if (reason) console.error(`Cannot start: ${reason}`);
  if (process.env.WATCH_REPORT_DEPENDENCIES && cluster.isPrimary) {
    process.kill(process.ppid, 'SIGTERM');
  }
  process.exit(1);
}

// A start-up step that a configuration mistake can make fail (reading the settings,
// opening a database, connecting to Redis): it returns the step's value, or stops the
// start in one line with the error's message (no stack trace), synchronous or not.
export function orStop<T>(step: () => T): T {
  const stop = (error: unknown): never => cannotStart((error as Error).message);
  try {
    const value = step();
    return (value instanceof Promise ? value.catch(stop) : value) as T;
  } catch (error) {
    return stop(error);
  }
}

// `npm start` runs `sh -c "node ...preflight.mjs && node src/server.ts"`, and passes a
// process manager's SIGTERM (or SIGINT) to that shell only; dash, the sh of Debian and
// Ubuntu, then exits without passing it on, and the server would go on serving with no
// one to stop it. So the server (one process, or the primary: the workers end with it)
// also calls `stop` once the process that started it has gone: it is then adopted by
// another (POSIX), or that one no longer runs (Windows). (Under `npm run dev`, the
// process that started it is node --watch, which stays; Ctrl-C reaches both.)
export function whenOrphaned(stop: (reason: string) => void) {
  const starter = process.ppid;
  const check = setInterval(() => {
    if (process.ppid === starter && isRunning(starter)) return;
    clearInterval(check);
    stop('The process that started this server has ended');
  }, 1000).unref();
}
function isRunning(pid: number) {
  try {
    return process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
