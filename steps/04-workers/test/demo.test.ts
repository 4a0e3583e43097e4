import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { demo } from './helpers/server.ts';

// `npm run demo` with no name, or a wrong one: the list of this step's naive variants.
const stepDir = fileURLToPath(new URL('..', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [...demo('').slice(0, 1), ...args], {
    cwd: stepDir,
    encoding: 'utf8',
    timeout: 10_000,
  });

describe('npm run demo', function () {
  this.timeout(20_000); // a process each

  it("with no name, lists this step's own variants first, each with its first sentence, and exits 0", () => {
    const { status, stdout, stderr } = run();
    expect({ status, stderr }).to.deep.equal({ status: 0, stderr: '' });
    const [usage, own, ...rest] = stdout.split(/^(?:In this step|From earlier steps):$/m);
    expect(usage).to.match(/^usage: npm run demo -- <pitfall>/);
    const names = (part: string) => [...part.matchAll(/^ {2}(\S+)/gm)].map(([, name]) => name);
    expect(names(own)).to.deep.equal(['memory-store', 'notice-at-startup', 'visits-counter']);
    expect(names(rest.join(''))).to.include.members(['global-counter', 'route-order']);
    expect(names(rest.join(''))).not.to.include('visits-counter');
    expect(own).to.match(
      /^ {2}visits-counter +A site-wide visit counter in a module-level variable\.$/m,
    );
  });

  it('with a name that is not there, says so, lists the variants, and exits 2', () => {
    const { status, stdout, stderr } = run('no-such-pitfall');
    expect(status).to.equal(2);
    expect(stdout).to.equal('');
    expect(stderr).to.match(/^There is no pitfall "no-such-pitfall" in this step\./);
    expect(stderr).to.contain('  memory-store ');
  });
});
