// `npm run typecheck` at the root: TypeScript's check of the tooling (the root
// tsconfig.json), of the platform and of every step, in one `tsc --build` (it shares the
// work they have in common). Each has its own tsconfig.json because steps declare their
// own session types, which would clash in one program; the list of steps is read from
// steps/, so a new step is checked too. The capstone (steps/capstone) is checked with them.
import { spawn } from 'node:child_process';
import { root, stepDirs } from './npm.ts';

const tsc = `${root}/node_modules/typescript/bin/tsc`;
const steps = (await stepDirs()).map((step) => `steps/${step}`);
const projects = ['.', 'shared/platform', ...steps, 'steps/capstone'];
const child = spawn(process.execPath, [tsc, '--build', ...projects], {
  cwd: root,
  stdio: 'inherit',
});
child.on('exit', (code) => process.exit(code ?? 1));
