// Runs first in every script, the steps' (`npm start`, `npm test`, ...) and the root's,
// and says in one line what to fix when the setup is not ready, instead of "mocha: not
// found" or a syntax error from an old Node. Plain JavaScript, so that any Node version
// can run it. `--node-only` checks Node's version alone, for a script that needs no
// installed package (`npm run diff`).
import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
// Node strips TypeScript's types by itself from 22.18 (and in 24 and later).
const supported = (major === 22 && minor >= 18) || major >= 24;
const installed =
  process.argv.includes('--node-only') ||
  existsSync(new URL('../../node_modules/mocha/package.json', import.meta.url));

if (!supported) {
  console.error(
    `This course needs Node.js 22.18 or later (22.x from 22.18, or 24 and later); ` +
      `this is ${process.version}. See "Prerequisites" in the repository's README.md.`,
  );
  process.exit(1);
}
if (!installed) {
  console.error(
    'Run `npm install` in the repository root folder first (not inside a step): ' +
      'it installs every step at once.',
  );
  process.exit(1);
}
