import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { demo } from './helpers/server.ts';

// `npm run demo` with no name, or a wrong one: the list of this step's naive variants.
// Both run in a root hook, as mocha begins, like the servers, while the other tests run.
const stepDir = fileURLToPath(new URL('..', import.meta.url));
type Run = { status: number | string | null; stdout: string; stderr: string };
const run = (...args: string[]) =>
  new Promise<Run>((resolve) =>
    execFile(
      process.execPath,
      [...demo('').slice(0, 1), ...args],
      { cwd: stepDir, encoding: 'utf8', timeout: 10_000 },
      // The exit code; or, for one killed by the time-out, null (the assertions say so).
      (error, stdout, stderr) =>
        resolve({ status: error ? (error.code ?? null) : 0, stdout, stderr }),
    ),
  );
let listed: Promise<Run>;
let misnamed: Promise<Run>;
before(() => {
  listed = run();
  misnamed = run('no-such-pitfall');
});

describe('npm run demo', function () {
  this.timeout(20_000); // a process each

  it("with no name, lists this step's variants, each with its first sentence, and exits 0", async () => {
    const { status, stdout, stderr } = await listed;
    expect({ status, stderr }).to.deep.equal({ status: 0, stderr: '' });
    const [usage, own, ...rest] = stdout.split(/^(?:In this step|From earlier steps):$/m);
    expect(usage).to.match(/^usage: npm run demo -- <pitfall>/);
    const names = (part: string) => [...part.matchAll(/^ {2}(\S+)/gm)].map(([, name]) => name);
    expect(names(own)).to.deep.equal(['memory-store', 'notice-at-startup', 'visits-counter']);
    expect(rest).to.deep.equal([]); // the earlier steps' variants stay in their own steps
    expect(own).to.match(
      /^ {2}visits-counter +A site-wide visit counter in a module-level variable\.$/m,
    );
  });

  it('with a name that is not there, says so, lists the variants, and exits 2', async () => {
    const { status, stdout, stderr } = await misnamed;
    expect(status).to.equal(2);
    expect(stdout).to.equal('');
    expect(stderr).to.match(/^There is no pitfall "no-such-pitfall" in this step\./);
    expect(stderr).to.contain('  memory-store ');
  });
});
