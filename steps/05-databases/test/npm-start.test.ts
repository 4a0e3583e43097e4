import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

// `npm start` as a learner runs it, stopped as a process manager stops it: SIGTERM to
// the npm process only. npm passes it to the shell that runs the script, and that shell
// may end without passing it on (dash does): the server must still stop, not serve on.
const stepDir = fileURLToPath(new URL('..', import.meta.url));
// From step 04 on, with two workers: the primary stops them as it stops.
const workers = existsSync(new URL('../src/cluster.ts', import.meta.url)) ? 2 : 0;

// npm, through the npm that runs these tests if any (npm sets npm_execpath), else the
// npm on PATH. It leads a process group of its own: the shell, the server and its
// workers join it, and the cleanup ends them all, whatever the test found.
const folder = mkdtempSync(join(tmpdir(), 'npm-start-'));
after(() => rmSync(folder, { recursive: true, force: true }));
function npmStart(env: Record<string, string>) {
  const npmCli = process.env.npm_execpath;
  const [command, args] =
    npmCli && /\.[cm]?js$/.test(npmCli)
      ? [process.execPath, [npmCli, 'start']]
      : ['npm', ['start']];
  return spawn(command, args, {
    cwd: stepDir,
    env: {
      ...process.env,
      ...{ NODE_ENV: undefined, SESSION_KEYS: undefined, REDIS_URL: undefined },
      PORT: '0',
      // From step 05 on: a database of its own, not the learner's data/site.sqlite.
      DATABASE_PATH: join(folder, 'site.sqlite'),
      ...env,
    },
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

describe('npm start, stopped with SIGTERM to npm only', function () {
  this.timeout(30_000); // npm and the server start in a few seconds on a busy machine
  let npm: ChildProcess | undefined;
  before(function () {
    if (process.platform === 'win32') this.skip(); // no SIGTERM: kill() ends a process at once
  });
  afterEach(async () => {
    if (!npm?.pid) return;
    try {
      process.kill(-npm.pid, 'SIGKILL');
    } catch {
      // every process of the group has ended
    }
  });

  const what = workers ? `the server and its ${workers} workers` : 'the server';
  it(`stops ${what}: its port closes and no process of it is left`, async () => {
    npm = npmStart({ WORKERS: String(workers || 1) });
    let output = '';
    npm.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    npm.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = once(npm, 'exit');
    const serving = await within(20_000, () => /Serving on (http\S+)/.test(output));
    expect(serving, `npm start printed:\n${output}`).to.equal(true);
    const url = /Serving on (http\S+)/.exec(output)![1];
    expect(await answers(url)).to.equal(true);
    const group = npm.pid!;
    // npm, sh, the server and its workers
    expect(inGroup(group)).to.have.length.of.at.least(
      process.platform === 'linux' ? 3 + workers : 1,
    );

    process.kill(group, 'SIGTERM'); // npm's pid only, not the group
    await exited;
    expect(await within(10_000, async () => !(await answers(url))), 'the port closes').to.equal(
      true,
    );
    expect(await within(10_000, () => inGroup(group).length === 0)).to.equal(
      true,
      `still running:\n${inGroup(group).join('\n')}\nnpm start printed:\n${output}`,
    );
    expect(output).to.contain('The process that started this server has ended');
  });
});
