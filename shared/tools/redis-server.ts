// What the repository's tools (npm run bench, npm run docs:transcripts) need to run a
// redis-server of their own, as step 06's tests do: is it installed, a free port, and
// how to start it so that it listens on loopback only and saves nothing to disk.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

// A port that stays free while other tests start servers beside (the platform's).
export { quietPort } from '@course/platform/testing/redis';

export const redisServerInstalled = () =>
  spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

// A port nothing listens on right now: the system picks one for a moment, then frees it.
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

// redis-server's command line: on `port` of 127.0.0.1, its working folder `dir`, with
// neither snapshots nor an append-only file, so that a restart comes back empty.
export const redisServerCommand = (port: number, dir: string) => [
  'redis-server',
  ...['--bind', '127.0.0.1', '--port', String(port), '--dir', dir],
  ...['--save', '', '--appendonly', 'no'],
];
