// Real processes for the tests of the platform and of every step: a server started as
// `npm start` starts it (its own process group, workers included), ended however the
// test run ends; and raw TCP clients, for what a well-behaved HTTP client never does
// (stall, pipeline, hang up mid-request). As @course/platform/testing/processes.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { constants, setPriority } from 'node:os';
import { compileCache } from './compile-cache.ts';

const running = new Set<ChildProcess>();
const sockets = new Set<Socket>();

// Resolves with the match as soon as `text()` matches `pattern`, checking whenever
// `source` emits 'data'; rejects, saying what was there instead, if it closes first.
export function whenMatches(
  source: EventEmitter,
  text: () => string,
  pattern: RegExp,
  explain: () => string,
) {
  return new Promise<RegExpExecArray>((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(text());
      if (match) {
        source.off('data', check).off('close', closed);
        resolve(match);
      }
    };
    const closed = () => {
      source.off('data', check);
      reject(new Error(`closed without showing ${pattern}; ${explain()}`));
    };
    source.on('data', check).once('close', closed);
    check();
    // Closed before we started listening (a server that died at once): say so now.
    if ((source as { closed?: boolean }).closed) closed();
  });
}

// Starts `node <args>` in `cwd` with PORT=0 (a free port) and `env` on top of this
// process's environment, less the `cleared` settings a test run may have set for itself.
// The server leads a process group of its own: with WORKERS, its workers are in it too,
// and cleanUp() ends them all. `stderr` may leave out what is not the server's own output.
export function startProcess({
  cwd,
  args,
  env,
  cleared,
  stderr: shown = (text) => text,
}: {
  cwd: string;
  args: string[];
  env: Record<string, string>;
  cleared: string[];
  stderr?: (text: string) => string;
}) {
  const inherited: Record<string, string | undefined> = { ...process.env };
  for (const name of cleared) delete inherited[name];
  const child = spawn(process.execPath, args, {
    cwd,
    // Node's compile cache (its default folder, unless NODE_COMPILE_CACHE names another):
    // each server reuses the compiled code of the last, and boots in about two thirds of
    // the time. It changes nothing but the start-up time.
    env: { ...compileCache, ...inherited, PORT: '0', ...env },
    detached: process.platform !== 'win32',
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  // It boots while other tests run: at a lower priority, it takes the time they leave
  // over instead of slowing them down.
  try {
    if (child.pid) setPriority(child.pid, 10);
  } catch {
    // not allowed here: it runs at the usual priority, and only as fast as before
  }
  const output = { stdout: '', stderr: '' };
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    output.stderr = shown(stderr);
  });
  const explain = () =>
    `the server printed:\n${output.stdout}\nand on stderr:\n${output.stderr}`;
  // A line on stdout, such as the shutdown message.
  const printed = (pattern: RegExp) =>
    whenMatches(child.stdout, () => output.stdout, pattern, explain);

  return {
    child,
    output,
    // The pids of the workers it has started so far, in order (none without WORKERS).
    workers: () =>
      [...output.stdout.matchAll(/^Worker (\d+) started$/gm)].map(([, pid]) => +pid),
    exited: once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>,
    printed,
    // The address it serves on, once it listens.
    url: () => printed(/Serving .*?on (http\S+)/).then(([, url]) => url),
  };
}

// Ends a server and, with WORKERS, its workers: the whole process group it leads.
function kill(child: ChildProcess) {
  try {
    if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    // already gone
  }
}

// Ends one server and, with WORKERS, its workers (its process group), and no other: the
// other test files' servers may still be serving. For the `after` hook of a suite that
// started its own; cleanUp() ends every server still running anyway.
type Started = { child: ChildProcess; exited: Promise<unknown> };
export async function stopServer({ child, exited }: Started) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  kill(child);
  await exited;
}

// Should this process end without running the `after` hook (mocha stopped by an error
// outside any test), no server outlives it.
process.on('exit', () => running.forEach(kill));
// Nor when it is interrupted (Ctrl-C, or SIGTERM from a CI time-out): a signal ends a
// process without its 'exit' event, and a Ctrl-C in the terminal does not reach these
// servers, which lead process groups of their own. End them, then exit with the code
// the signal would have given (128 + its number), running the 'exit' listeners.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    running.forEach(kill);
    process.exit(128 + constants.signals[signal]);
  });
}

// For an `after` hook: ends every server still running (workers included) and every raw
// connection still open, whether their tests passed or failed.
export async function cleanUp() {
  sockets.forEach((socket) => socket.destroy());
  const exits = [...running].map((child) => once(child, 'exit'));
  running.forEach(kill);
  await Promise.all(exits);
}

// Whether a process is still running (signal 0 checks without sending anything). On
// Linux, a process that has ended but not yet been reaped (a zombie) does not count.
export function isRunning(pid: number) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
}

// A TCP connection to `url` that sends exactly the bytes a test writes, and keeps all
// it receives as text.
export async function rawClient(url: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {}); // a reset is one way for the server to close it: see `closed`
  return {
    socket,
    // Resolves with everything received, once the connection is closed (by either side).
    closed: new Promise<string>((resolve) => socket.once('close', () => resolve(received))),
    received: () => received,
    waitFor: (pattern: RegExp) =>
      whenMatches(
        socket,
        () => received,
        pattern,
        () => `it received:\n${received}`,
      ),
  };
}

// The responses in what a raw client received, each as its status line and headers.
export const responseHeads = (received: string) =>
  received
    .split(/(?=HTTP\/1\.1 \d{3} )/)
    .filter(Boolean)
    .map((response) => response.split('\r\n\r\n')[0]);

// Waits until `done()` is true, checking every 10 ms, for at most `ms`.
export async function waitUntil(done: () => boolean, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
