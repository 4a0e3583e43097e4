import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

// The repository's one-line check that runs before every npm script
// (shared/tools/preflight.mjs), tested here, in the first step, since the repository's
// tooling has no tests of its own.
function repoRoot(from = fileURLToPath(new URL('..', import.meta.url))): string {
  if (existsSync(join(from, 'shared', 'tools', 'preflight.mjs'))) return from;
  if (dirname(from) === from) throw new Error('no shared/tools/preflight.mjs above the step');
  return repoRoot(dirname(from));
}
const root = repoRoot();

// Runs a copy of the preflight in a folder with no node_modules, or the real one, on
// this Node, made to report `version` if given (what an older Node would say).
function preflight(args: string[], { version = '', installed = true } = {}) {
  let script = join(root, 'shared', 'tools', 'preflight.mjs');
  let folder: string | undefined;
  if (!installed) {
    folder = mkdtempSync(join(tmpdir(), 'preflight-'));
    mkdirSync(join(folder, 'shared', 'tools'), { recursive: true });
    copyFileSync(script, (script = join(folder, 'shared', 'tools', 'preflight.mjs')));
  }
  const fake = version
    ? [
        '--import',
        'data:text/javascript,Object.defineProperties(process, {' +
          `versions: { value: { ...process.versions, node: "${version}" } },` +
          `version: { value: "v${version}" } })`,
      ]
    : [];
  try {
    return spawnSync(process.execPath, [...fake, script, ...args], {
      encoding: 'utf8',
      timeout: 10_000,
    });
  } finally {
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
}

describe('shared/tools/preflight.mjs', function () {
  this.timeout(20_000); // a few short processes

  it('passes silently on this Node, with the packages installed', () => {
    const { status, stdout, stderr } = preflight([]);
    expect({ status, stdout, stderr }).to.deep.equal({ status: 0, stdout: '', stderr: '' });
  });

  for (const version of ['20.20.2', '22.17.0']) {
    it(`stops Node ${version} with one line saying which versions the course needs`, () => {
      const { status, stderr } = preflight([], { version });
      expect(status).to.equal(1);
      expect(stderr).to.match(
        new RegExp(
          `^This course needs Node\\.js 22\\.18 or later [^\\n]*this is v${version}\\.[^\\n]*\\n$`,
        ),
      );
    });
  }

  it('says to run `npm install` in the root, in one line, before the packages are installed', () => {
    const { status, stderr } = preflight([], { installed: false });
    expect(status).to.equal(1);
    expect(stderr).to.match(/^Run `npm install` in the repository root folder first[^\n]*\n$/);
  });

  it('with --node-only, checks the version alone', () => {
    expect(preflight(['--node-only'], { installed: false }).status).to.equal(0);
    expect(preflight(['--node-only'], { version: '20.20.2' }).status).to.equal(1);
  });

  it("runs first in every npm script, the root's and this step's", () => {
    const scripts = (file: string) =>
      Object.entries(JSON.parse(readFileSync(file, 'utf8')).scripts as Record<string, string>);
    for (const [name, command] of scripts(join(root, 'package.json'))) {
      expect(command, `the root's ${name}`).to.match(
        /^node shared\/tools\/preflight\.mjs( --node-only)? && /,
      );
    }
    for (const [name, command] of scripts(
      fileURLToPath(new URL('../package.json', import.meta.url)),
    )) {
      expect(command, `this step's ${name}`).to.match(
        /^node \.\.\/\.\.\/shared\/tools\/preflight\.mjs && /,
      );
    }
  });
});
