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

// Ctrl-C (SIGINT) or a process manager's SIGTERM: stop accepting connections, let
// requests in flight finish, then exit.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
