// Serves one of a step's naive variants, so that a pitfall can be shown in a browser:
//   cd steps/02-sessions && npm run demo -- global-counter
// Every module in a step's pitfalls/ folder exports createApp(), the naive app.
import { existsSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type Koa from 'koa';

const name = process.argv[2];
if (!existsSync('pitfalls')) {
  console.error(
    'usage: inside a step folder, npm run demo -- <pitfall>   (cd steps/02-sessions first)',
  );
  process.exit(2);
}
const available = readdirSync('pitfalls')
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3));
if (!name || !available.includes(name)) {
  console.error(
    `usage: npm run demo -- <pitfall>   where <pitfall> is one of: ${available.join(', ')}`,
  );
  process.exit(2);
}

type Factory = (options: { keys: string[] }) => Koa;
const { createApp } = (await import(pathToFileURL(resolve('pitfalls', `${name}.ts`)).href)) as {
  createApp: Factory;
};
// PORT follows the step's own rule (src/config.ts), so it means what it means for
// `npm start`. Only PORT: the naive app brings its own key, so nothing else applies.
type LoadConfig = (
  environment: Record<string, string | undefined>,
  warn: () => void,
) => { port: number };
const { loadConfig } = (await import(pathToFileURL(resolve('src', 'config.ts')).href)) as {
  loadConfig: LoadConfig;
};
let port: number;
try {
  port = loadConfig({ PORT: process.env.PORT }, () => {}).port;
} catch (error) {
  console.error(`Cannot start: ${(error as Error).message}`);
  process.exit(1);
}

const server = createApp({ keys: ['demo key, not a secret'] }).listen(port, () => {
  const { port } = server.address() as AddressInfo;
  console.log(
    `Serving the NAIVE variant pitfalls/${name}.ts on http://localhost:${port} (do not copy it)`,
  );
});
server.on('error', (error: NodeJS.ErrnoException) => {
  const busy = `port ${port} is in use; stop the other server or set PORT`;
  console.error(`Cannot start: ${error.code === 'EADDRINUSE' ? busy : error.message}`);
  process.exit(1);
});
// A demo has no requests worth finishing: Ctrl-C stops it at once, even with a browser's
// connections open.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => process.exit(0));
