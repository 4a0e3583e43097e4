import cluster from 'node:cluster';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { cannotStart, whenOrphaned } from './stop.ts';

export interface ServeOptions {
  port: number; // 0 picks a free port
  shutdownTimeout: number; // seconds a shutdown waits for requests in flight
  headersTimeout?: number; // ms; HEADERS_TIMEOUT unless given (a test gives a shorter one)
  requestTimeout?: number; // ms; REQUEST_TIMEOUT unless given
}

// Node lets a client take 60 s to send a request's headers and 300 s for the whole
// request, and checks only every 30 s: a client that trickles a byte at a time holds a
// connection open for minutes. A page load or a form post here is a few hundred bytes.
export const HEADERS_TIMEOUT = 5_000; // ms, from a request's first byte to its last header
export const REQUEST_TIMEOUT = 10_000; // ms, to its last byte; then 408 and the connection closes
const TIMEOUT_CHECK_INTERVAL = 1_000; // ms between Node's checks of both

// Serves `app` in this process: the whole server with one worker, or one of the workers.
export function serve(app: Koa, { port, shutdownTimeout, ...timeouts }: ServeOptions) {
  const server = listen(httpServer(app, timeouts), port);
  const stopping = lastResponses(server);
  // Stop accepting connections and close the idle ones (server.close() does both, since
  // Node 19), let requests in flight finish, and after SHUTDOWN_TIMEOUT seconds close
  // whatever is left (a client that never finishes its request cannot hold us up).
  const shutDown = (reason: string) => {
    if (!stopping()) return;
    if (cluster.isPrimary) {
      console.log(
        `${reason}: shutting down, waiting up to ${shutdownTimeout}s for requests in flight`,
      );
    }
    server.close(() => process.exit(0));
    setTimeout(() => {
      // A worker's own lines say which worker it is.
      const who = cluster.isWorker ? `Worker ${process.pid}: ` : '';
      console.log(`${who}Closing the connections still open after ${shutdownTimeout}s`);
      server.closeAllConnections();
      process.exit(0);
    }, shutdownTimeout * 1000);
  };
  onSignals(shutDown);
  return server;
}

// The HTTP server for `app`, with the time-outs above unless others are given.
export function httpServer(
  app: Koa,
  { headersTimeout = HEADERS_TIMEOUT, requestTimeout = REQUEST_TIMEOUT } = {},
) {
  const connectionsCheckingInterval = TIMEOUT_CHECK_INTERVAL;
  const options = { headersTimeout, requestTimeout, connectionsCheckingInterval };
  return createServer(options, app.callback());
}

// Listens on `port`; the primary announces the address.
function listen(server: Server, port: number) {
  server.listen(port, () => {
    const address = server.address() as AddressInfo;
    if (cluster.isPrimary) console.log(`Serving on http://localhost:${address.port}`);
  });
  // A port already in use is the usual first-run problem: say so, without a stack trace.
  server.on('error', (error: NodeJS.ErrnoException) => {
    const busy = `port ${port} is in use; stop the other server or set PORT`;
    cannotStart(error.code === 'EADDRINUSE' ? busy : error.message);
  });
  return server;
}

// The requests in progress. Once shutting down, each of their responses (and of any that
// arrive later) is the last on its connection: Node then sends `Connection: close`, even
// if the app cleared the headers, and closes the connection after the response.
// Returns `stop()`, true the first time only.
function lastResponses(server: Server) {
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
  return () => {
    if (stopping) return false;
    stopping = true;
    inProgress.forEach(lastOnItsConnection);
    return true;
  };
}

// Ctrl-C (SIGINT) or a process manager's SIGTERM; a second signal exits at once.
function onSignals(shutDown: (reason: string) => void) {
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
    return;
  }
  // Ctrl-C in a terminal reaches every process of the server at once: the workers
  // leave it to their primary, which tells each of them to shut down.
  process.on('SIGINT', () => {});
  process.on('message', (message) => {
    if (message === 'shut down') shutDown('asked by the primary');
  });
}
