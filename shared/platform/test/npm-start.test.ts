import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

// A server started through npm as a learner's `npm start` starts one (here, the
// fixture server with two workers: `npm run fixture`), stopped as a process manager stops
// it: SIGTERM to the npm process only. npm passes it to the shell that runs the script, and that shell
// may end without passing it on (dash does): the server must still stop, not serve on.
const platformDir = fileURLToPath(new URL('..', import.meta.url));
// Two workers: the primary stops them as it stops.
const workers = 2;
// The script runs the repository's check first, as every npm script does
// (`node ../tools/preflight.mjs && ...`), so npm's shell stays as the server's parent. A
// copy of this folder without the tooling beside it (a mutation-testing sandbox) cannot
// run it: there the test is skipped (it runs the platform in processes of its own, where
// no mutant is ever switched on).
const runnable =
  process.platform !== 'win32' && // no SIGTERM: kill() ends a process at once
  existsSync(join(platformDir, '..', 'tools', 'preflight.mjs'));

// npm, through the npm that runs these tests if any (npm sets npm_execpath), else the
// npm on PATH. It leads a process group of its own: the shell, the server and its
// workers join it, and the cleanup ends them all, whatever the test found.
function npmStart(env: Record<string, string>) {
  const npmCli = process.env.npm_execpath;
  const [command, args] =
    npmCli && /\.[cm]?js$/.test(npmCli)
      ? [process.execPath, [npmCli, 'run', 'fixture']]
      : ['npm', ['run', 'fixture']];
  return spawn(command, args, {
    cwd: platformDir,
    env: { ...process.env, NODE_ENV: undefined, SESSION_KEYS: undefined, PORT: '0', ...env },
    detached: true,
  });
}

// The processes still running in a process group: on Linux, listed from /proc (a zombie
// waiting to be reaped does not count); elsewhere, whether any is left at all.
function inGroup(group: number): string[] {
  if (process.platform !== 'linux') {
    try {
      process.kill(-group, 0);
      return ['(a process of the group)'];
    } catch {
      return [];
    }
  }
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
        if (Number(pgrp) !== group || state === 'Z') return [];
        return [`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`];
      } catch {
        return []; // ended while we looked
      }
    });
}

// Polls `check` every 100 ms until it returns true, for at most `ms`.
async function within(ms: number, check: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

const answers = (url: string) =>
  fetch(url).then(
    () => true,
    () => false,
  );

// The whole story runs while the other files' tests run: npm starts the server as mocha
// begins, and once it serves, gets SIGTERM; the test then looks at what was recorded.
// The process group npm leads is ended afterwards, whatever the test found, and also when
// mocha exits without its hooks.
let npm: ChildProcess | undefined;
let output = '';
const endGroup = () => {
  try {
    if (npm?.pid) process.kill(-npm.pid, 'SIGKILL');
  } catch {
    // every process of the group has ended
  }
};
async function startThenStop(started: ChildProcess) {
  const exited = once(started, 'exit');
  const serving = await within(20_000, () => /Serving on (http\S+)/.test(output));
  if (!serving) return { serving };
  const url = /Serving on (http\S+)/.exec(output)![1];
  const group = started.pid!;
  const answered = await answers(url);
  const running = inGroup(group); // npm, sh, the server and its workers
  process.kill(group, 'SIGTERM'); // npm's pid only, not the group
  await exited;
  const portClosed = await within(10_000, async () => !(await answers(url)));
  const allEnded = await within(10_000, () => inGroup(group).length === 0);
  return { serving, answered, running, portClosed, allEnded, left: inGroup(group) };
}
let story: ReturnType<typeof startThenStop>;
before(() => {
  if (!runnable) return;
  npm = npmStart({ WORKERS: String(workers) });
  npm.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  npm.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  process.on('exit', endGroup);
  story = startThenStop(npm);
  story.catch(() => {}); // a failure is reported by the test that awaits it
});
after(endGroup);

describe('a server started by npm, stopped with SIGTERM to npm only', function () {
  this.timeout(45_000); // npm and the server start in a few seconds on a busy machine
  before(function () {
    if (!runnable) this.skip();
  });

  it(`stops the server and its ${workers} workers: its port closes and no process of it is left`, async () => {
    const { serving, answered, running, portClosed, allEnded, left } = await story;
    expect(serving, `npm run fixture printed:\n${output}`).to.equal(true);
    expect(answered).to.equal(true);
    expect(running).to.have.length.of.at.least(process.platform === 'linux' ? 3 + workers : 1);
    expect(portClosed, 'the port closes').to.equal(true);
    expect(allEnded).to.equal(
      true,
      `still running:\n${left?.join('\n')}\nnpm run fixture printed:\n${output}`,
    );
    expect(output).to.contain('The process that started this server has ended');
  });
});
