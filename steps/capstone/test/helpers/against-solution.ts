// `npm run test:solution`: the same tests, run against solution/ (CAPSTONE_SRC=solution),
// on any system: the variable is set here, not with a shell's syntax. Arguments go to mocha.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const { status } = spawnSync(process.execPath, [mocha, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, CAPSTONE_SRC: 'solution' },
});
process.exitCode = status ?? 1;
