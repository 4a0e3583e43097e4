// Serves one of a step's naive variants, so that a pitfall can be shown in a browser:
//   cd steps/02-sessions && npm run demo -- global-counter
// Every module in a step's pitfalls/ folder exports createApp(), the naive app.
import { readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type Koa from 'koa';

const name = process.argv[2];
const available = readdirSync('pitfalls')
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run demo -- <pitfall>   where <pitfall> is one of: ${available.join(', ')}`);
  process.exit(2);
}

type Factory = (options: { keys: string[] }) => Koa;
const { createApp } = (await import(pathToFileURL(resolve('pitfalls', `${name}.ts`)).href)) as {
  createApp: Factory;
};
const server = createApp({ keys: ['demo key, not a secret'] }).listen(
  Number(process.env.PORT ?? 6543),
  () => {
    const { port } = server.address() as AddressInfo;
    console.log(`Serving the NAIVE variant pitfalls/${name}.ts on http://localhost:${port} (do not copy it)`);
  },
);
server.on('error', (error: NodeJS.ErrnoException) => {
  console.error(
    `Cannot start: ${error.code === 'EADDRINUSE' ? 'the port is in use; stop the other server or set PORT' : error.message}`,
  );
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => server.close(() => process.exit(0)));
