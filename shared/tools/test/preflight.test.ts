import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { root, stepDirs } from '../npm.ts';

// The repository's one-line check that runs before every npm script
// (shared/tools/preflight.mjs), in the tests of the repository's own tooling
// (`npm run test:tools`, part of the root's `npm test`).

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

  it("runs first in every npm script: the root's, the platform's and every step's", async () => {
    const scripts = (folder: string) =>
      Object.entries(
        JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8')).scripts as Record<
          string,
          string
        >,
      );
    for (const [name, command] of scripts('.')) {
      expect(command, `the root's ${name}`).to.match(
        /^node shared\/tools\/preflight\.mjs( --node-only)? && /,
      );
    }
    const folders = [
      'shared/platform',
      ...(await stepDirs()).map((step) => `steps/${step}`),
      'steps/capstone',
    ];
    for (const folder of folders) {
      const script = relative(
        join(root, folder),
        join(root, 'shared', 'tools', 'preflight.mjs'),
      );
      for (const [name, command] of scripts(folder)) {
        expect(command, `${folder}'s ${name}`).to.satisfy((run: string) =>
          run.startsWith(`node ${script.replaceAll('\\', '/')} && `),
        );
      }
    }
  });
});
