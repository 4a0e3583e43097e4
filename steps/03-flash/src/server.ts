import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import type { Config } from './config.ts';

// The only file that listens, and the only one that reads the environment.
let config: Config;
try {
  config = loadConfig();
} catch (error) {
  console.error(`Cannot start: ${(error as Error).message}`);
  process.exit(1);
}
const app = createApp(config);

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

// Ctrl-C (SIGINT) or a process manager's SIGTERM: stop accepting connections, let
// requests in flight finish, then exit.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
