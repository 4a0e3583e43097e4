import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

// The real server, in a real process, as `npm start` runs it.
const stepDir = fileURLToPath(new URL('..', import.meta.url));

function startServer(env: Record<string, string>) {
  // The test's own NODE_ENV and SESSION_KEYS must not leak into the server under test.
  const inherited = { ...process.env, NODE_ENV: undefined, SESSION_KEYS: undefined };
  const child = spawn(process.execPath, ['src/server.ts'], {
    cwd: stepDir,
    env: { ...inherited, PORT: '0', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const output = () => ({ stdout, stderr });
  return { child, output, exited: once(child, 'exit') as Promise<[number | null, string | null]> };
}

// Starting a server takes about a second, so both start in a root hook, as soon as
// mocha begins, and boot while the other test files run.
let refused: ReturnType<typeof startServer>;
let started: ReturnType<typeof startServer>;
before(() => {
  refused = startServer({ NODE_ENV: 'production' });
  started = startServer({ NODE_ENV: 'development' });
});
after(() => started.child.kill());

describe('src/server.ts', function () {
  this.timeout(20_000); // on a busy machine, starting a process can take a while

  it('refuses to start in production without SESSION_KEYS, with a message and a non-zero exit', async () => {
    const [code] = await refused.exited;
    expect(code).to.equal(1);
    expect(refused.output().stderr).to.contain(
      'Cannot start: SESSION_KEYS must be set when NODE_ENV is "production"',
    );
  });

  it('starts in development with a warning, serves the counter, and stops cleanly on SIGTERM', async () => {
    while (!/Serving on (\S+)/.test(started.output().stdout)) await once(started.child.stdout, 'data');
    const url = /Serving on (\S+)/.exec(started.output().stdout)![1];
    expect(started.output().stderr).to.contain('SESSION_KEYS is not set');

    const page = await fetch(url).then((res) => res.text());
    expect(page).to.contain('Count: 1');

    started.child.kill('SIGTERM');
    const [code, signal] = await started.exited;
    // Windows has no signals: kill() ends the process at once, without a clean exit.
    if (process.platform === 'win32') expect(signal).to.equal('SIGTERM');
    else expect(code).to.equal(0);
  });
});
