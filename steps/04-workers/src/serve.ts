import cluster from 'node:cluster';
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type Koa from 'koa';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';

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

// Node lets a client take 60 s to send a request's headers and 300 s for the whole
// request, and checks only every 30 s: a client that trickles a byte at a time holds a
// connection open for minutes. A page load or a form post here is a few hundred bytes.
const HEADERS_TIMEOUT = 5_000; // ms, from a request's first byte to its last header
const REQUEST_TIMEOUT = 10_000; // ms, to its last byte; then 408 and the connection closes
const TIMEOUT_CHECK_INTERVAL = 1_000; // ms between Node's checks of both

// Serves `app` in this process: the whole server with one worker, or one of the workers.
export function serve(app: Koa, config: Config) {
  // A worker's own lines say which worker it is; its primary announces the address.
  const who = cluster.isWorker ? `Worker ${process.pid}: ` : '';
  const timeouts = {
    headersTimeout: HEADERS_TIMEOUT,
    requestTimeout: REQUEST_TIMEOUT,
    connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL,
  };
  const server = createServer(timeouts, app.callback()).listen(config.port, () => {
    const { port } = server.address() as AddressInfo;
    if (cluster.isPrimary) console.log(`Serving on http://localhost:${port}`);
  });

  // A port already in use is the usual first-run problem: say so, without a stack trace.
  server.on('error', (error: NodeJS.ErrnoException) => {
    const busy = `port ${config.port} is in use; stop the other server or set PORT`;
    cannotStart(error.code === 'EADDRINUSE' ? busy : error.message);
  });

  // The requests in progress. Once shutting down, each of their responses (and of any that
  // arrive later) is the last on its connection: Node then sends `Connection: close`, even
  // if the app cleared the headers, and closes the connection after the response.
  let stopping = false;
  const inProgress = new Set<ServerResponse>();
  const lastOnItsConnection = (response: ServerResponse) => {
    response.shouldKeepAlive = false;
  };
  server.on('request', (_request, response: ServerResponse) => {
    if (stopping) return lastOnItsConnection(response);
    inProgress.add(response);
    response.once('close', () => inProgress.delete(response));
  });

  // Stop accepting connections and close the idle ones (server.close() does both, since
  // Node 19), let requests in flight finish, and after SHUTDOWN_TIMEOUT seconds close
  // whatever is left (a client that never finishes its request cannot hold us up).
  function shutDown(reason: string) {
    if (stopping) return;
    stopping = true;
    if (cluster.isPrimary) {
      console.log(
        `${reason}: shutting down, waiting up to ${config.shutdownTimeout}s for requests in flight`,
      );
    }
    inProgress.forEach(lastOnItsConnection);
    server.close(() => process.exit(0));
    setTimeout(() => {
      console.log(`${who}Closing the connections still open after ${config.shutdownTimeout}s`);
      server.closeAllConnections();
      process.exit(0);
    }, config.shutdownTimeout * 1000);
  }

  // Ctrl-C (SIGINT) or a process manager's SIGTERM; a second signal exits at once.
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(1);
    signalled = true;
    shutDown(signal);
  };
  process.on('SIGTERM', onSignal);
  if (cluster.isPrimary) {
    process.on('SIGINT', onSignal);
    whenOrphaned(shutDown);
  } else {
    // Ctrl-C in a terminal reaches every process of the server at once: the workers
    // leave it to their primary, which tells each of them to shut down.
    process.on('SIGINT', () => {});
    process.on('message', (message) => {
      if (message === 'shut down') shutDown('asked by the primary');
    });
  }
}
