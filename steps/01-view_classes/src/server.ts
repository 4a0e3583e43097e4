import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import type { Config } from './config.ts';

// A server that cannot start says why in one line, and exits. Under `npm run dev`
// (node --watch) it stops the watcher too, which would otherwise wait for a file change.
function cannotStart(reason: string): never {
  console.error(`Cannot start: ${reason}`);
  if (process.env.WATCH_REPORT_DEPENDENCIES) process.kill(process.ppid, 'SIGTERM');
  process.exit(1);
}

// The only file that listens, and the only one that reads the environment.
let config: Config;
try {
  config = loadConfig();
} catch (error) {
  cannotStart((error as Error).message);
}
const app = createApp(config);

// Node lets a client take 60 s to send a request's headers and 300 s for the whole
// request, and checks only every 30 s: a client that trickles a byte at a time holds a
// connection open for minutes. A page load or a form post here is a few hundred bytes.
const HEADERS_TIMEOUT = 5_000; // ms, from a request's first byte to its last header
const REQUEST_TIMEOUT = 10_000; // ms, to its last byte; then 408 and the connection closes
const TIMEOUT_CHECK_INTERVAL = 1_000; // ms between Node's checks of both

const server = createServer(
  {
    headersTimeout: HEADERS_TIMEOUT,
    requestTimeout: REQUEST_TIMEOUT,
    connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL,
  },
  app.callback(),
).listen(config.port, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`Serving on http://localhost:${port}`);
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

// Ctrl-C (SIGINT) or a process manager's SIGTERM: stop accepting connections and close
// the idle ones (server.close() does both, since Node 19), let requests in flight finish,
// and after SHUTDOWN_TIMEOUT seconds close whatever is left (a client that never finishes
// its request cannot hold us up). A second signal exits at once.
function shutDown(reason: string) {
  if (stopping) process.exit(1);
  stopping = true;
  console.log(
    `${reason}: shutting down, waiting up to ${config.shutdownTimeout}s for requests in flight`,
  );
  inProgress.forEach(lastOnItsConnection);
  server.close(() => process.exit(0));
  setTimeout(() => {
    console.log(`Closing the connections still open after ${config.shutdownTimeout}s`);
    server.closeAllConnections();
    process.exit(0);
  }, config.shutdownTimeout * 1000);
}
process.on('SIGINT', shutDown);
process.on('SIGTERM', shutDown);

// `npm start` runs `sh -c "node ...preflight.mjs && node src/server.ts"`, and passes a
// process manager's SIGTERM (or SIGINT) to that shell only; dash, the sh of Debian and
// Ubuntu, then exits without passing it on, and this server would go on serving with no
// one to stop it. So it also shuts down once the process that started it has gone: this
// one is then adopted by another (POSIX), or that one no longer runs (Windows). (Under
// `npm run dev`, the process that started it is node --watch, which stays; Ctrl-C
// reaches both.)
const starter = process.ppid;
const isRunning = (pid: number) => {
  try {
    return process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};
const orphanCheck = setInterval(() => {
  if (process.ppid === starter && isRunning(starter)) return;
  clearInterval(orphanCheck);
  shutDown('The process that started this server has ended');
}, 1000).unref();
