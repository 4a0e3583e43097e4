// A real redis-server for the tests (the platform's, and step 06's as
// @course/platform/testing/redis), one per suite or one for the run, on a free port with
// nothing saved to disk: the tests exercise the same client, protocol and failures as
// production, and leave nothing behind.
// Requires the `redis-server` program.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>; // the server dies at once, as in a crash
  restart(): Promise<void>; // stop, then start again on the same port, empty
  pause(): void; // the server stays connected but stops answering (SIGSTOP)
  resume(): void;
}

// An environment switch: unset, empty, `0`, `false` or `no` mean no.
const on = (name: string) => !/^(|0|false|no)$/i.test(process.env[name]?.trim() ?? '');

// Whether redis-server can be run here (for a root hook, which must not skip).
let installed: boolean | undefined;
export const redisInstalled = () =>
  (installed ??= !spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error);

// Call first in a mocha `before` hook (or a test). Without redis-server the suite is
// skipped, its tests reported as pending with the reason printed once, unless
// REQUIRE_REDIS is set, as CI does: then a missing redis-server is a failure.
const MISSING =
  'redis-server is not installed; install it (apt-get install redis-server) or set REQUIRE_REDIS=1 to make this a failure';
let explained = false;

export function redisOrSkip(context: Mocha.Context) {
  if (redisInstalled()) return;
  if (on('REQUIRE_REDIS')) {
    throw new Error('REQUIRE_REDIS is set but redis-server is not installed');
  }
  if (!explained) console.warn(`  Skipped: ${MISSING}`);
  explained = true;
  context.skip();
}

// Every server started and every directory made, so that none outlives the tests: not
// after a failed test, and not when mocha exits, or is interrupted (Ctrl-C, a CI timeout),
// without running its hooks. An interrupted process gets no 'exit' event: the signal
// handlers end it with the code the signal would have given (128 + its number), which
// runs the 'exit' listeners, this one and the other helpers' (their servers, their files).
const running = new Set<ChildProcess>();
const dirs = new Set<string>();

function cleanUpNow() {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanUpNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => process.exit(128 + constants.signals[signal]));
}

export async function stopAllRedis() {
  shared = undefined;
  await Promise.all([...running].map(kill));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

// A mocha root hook (this file is in .mocharc.json's "require").
export const mochaHooks = { afterAll: stopAllRedis };

async function kill(child: ChildProcess) {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL'); // also ends a paused (SIGSTOPped) server
    await once(child, 'exit');
  }
  running.delete(child);
}

// A port nothing listens on right now: the system picks one for a moment, then frees it.
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

// A free port below the range the system hands out for port 0 (32768 and up on Linux,
// 49152 and up on macOS and Windows), for a port that must stay free for a while: where
// nothing must listen, or where a Redis starts later. A port from freePort() may
// meanwhile be handed to a server that other tests start with PORT=0.
export async function quietPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const server = createServer().listen(port, '127.0.0.1');
    const free = await Promise.race([
      once(server, 'listening').then(() => true),
      once(server, 'error').then(() => false),
    ]);
    if (!free) continue;
    server.close();
    await once(server, 'close');
    return port;
  }
}

// Answers PING with +PONG once the server is up; resolves false if it is not (yet).
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

// Starts redis-server on `port` and waits until it answers, or fails with its own output.
async function launch(port: number, dir: string): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ];
  const child = spawn('redis-server', [...args, '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await ping(port)) return child;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await kill(child);
  throw new Error(`redis-server did not start on port ${port}:\n${output.trim()}`);
}

// One redis-server for the whole run, for the tests that only read and write their own
// keys: started when first asked for, stopped with the others when the run ends. A test
// that stops, pauses or reconfigures Redis, or counts its keys, starts one of its own.
let shared: Promise<RedisServer> | undefined;
export const sharedRedis = () => (shared ??= startRedis());

export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-test-'));
  dirs.add(dir);
  // Another process may take the free port before redis-server does: then try another.
  let port = await freePort();
  let child = await launch(port, dir).catch(async () => launch((port = await freePort()), dir));
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => kill(child),
    async restart() {
      await kill(child);
      child = await launch(port, dir);
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}
