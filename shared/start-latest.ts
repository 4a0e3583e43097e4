// `npm start` at the root: start the most advanced step, exactly as `npm start` inside it would.
import { npm, root, stepDirs } from './npm.ts';

const latest = (await stepDirs()).at(-1);
if (!latest) throw new Error('start: no step folders in steps/');

console.log(`Starting steps/${latest}`);
const child = npm(['start', '--silent'], { cwd: `${root}/steps/${latest}`, stdio: 'inherit' });
// Pass Ctrl-C and SIGTERM on, and leave with the step's own exit code.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
