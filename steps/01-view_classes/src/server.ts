import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import type { Config } from './config.ts';
import { logError } from './log.ts';

// The only file that listens, and the only one that reads the environment.
let config: Config;
try {
  config = loadConfig();
} catch (error) {
  console.error(`Cannot start: ${(error as Error).message}`);
  process.exit(1);
}
const app = createApp(config);
app.on('error', logError); // our log instead of Koa's, which traces every visitor who hangs up

const server = app.listen(config.port, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`Serving on http://localhost:${port}`);
});

// A port already in use is the usual first-run problem: say so, without a stack trace.
server.on('error', (error: NodeJS.ErrnoException) => {
  const busy = error.code === 'EADDRINUSE';
  console.error(
    `Cannot start: ${busy ? `port ${config.port} is in use; stop the other server or set PORT` : error.message}`,
  );
  process.exit(1);
});

// The responses not yet sent. Once shutting down, each one (and any that arrives after)
// says `Connection: close`, so its keep-alive connection ends with it.
let stopping = false;
const unsent = new Set<ServerResponse>();
const lastOnItsConnection = (response: ServerResponse) => {
  if (!response.headersSent) response.setHeader('Connection', 'close');
};
server.on('request', (_request, response: ServerResponse) => {
  if (stopping) return lastOnItsConnection(response);
  unsent.add(response);
  response.on('close', () => unsent.delete(response));
});

// Ctrl-C (SIGINT) or a process manager's SIGTERM: stop accepting connections, close the
// idle ones at once, let requests in flight finish, and after SHUTDOWN_TIMEOUT seconds
// close whatever is left (a client that never finishes its request cannot hold us up).
// A second signal exits at once.
function shutDown(signal: NodeJS.Signals) {
  if (stopping) process.exit(1);
  stopping = true;
  console.log(`${signal}: shutting down, waiting up to ${config.shutdownTimeout}s for requests in flight`);
  unsent.forEach(lastOnItsConnection);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => {
    console.log(`Closing the connections still open after ${config.shutdownTimeout}s`);
    server.closeAllConnections();
    process.exit(0);
  }, config.shutdownTimeout * 1000);
}
process.on('SIGINT', shutDown);
process.on('SIGTERM', shutDown);
