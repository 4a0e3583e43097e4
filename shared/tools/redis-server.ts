// What the repository's tools (npm run bench, npm run docs:transcripts) need to run a
// redis-server of their own, as step 06's tests do: is it installed, a free port, and
// how to start it so that it listens on loopback only and saves nothing to disk.
import { spawnSync } from 'node:child_process';

// The platform's test helpers: a port nothing listens on right now (freePort), and one
// that stays free while tests beside start servers on ports the system hands out (quietPort).
export { freePort, quietPort } from '@course/platform/testing/redis';

export const redisServerInstalled = () =>
  spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

// redis-server's command line: on `port` of 127.0.0.1, its working folder `dir`, with
// neither snapshots nor an append-only file, so that a restart comes back empty.
export const redisServerCommand = (port: number, dir: string) => [
  'redis-server',
  ...['--bind', '127.0.0.1', '--port', String(port), '--dir', dir],
  ...['--save', '', '--appendonly', 'no'],
];
