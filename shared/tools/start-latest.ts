// `npm start` at the root: start the most advanced step's server, as `npm start` inside it would.
import { spawn } from 'node:child_process';
import { root, stepDirs } from './npm.ts';

const latest = (await stepDirs()).at(-1);
if (!latest) {
  console.error('Cannot start: there is no step folder (such as 01-view_classes) in steps/');
  process.exit(1);
}

console.log(`Starting steps/${latest}`);
// The server itself, not `npm start`: npm runs a script through a shell, and a signal
// sent to npm does not reach the server. The server checks its own settings (PORT...).
// On Linux and macOS it gets a process group of its own, so that a Ctrl-C in the
// terminal reaches only this script, which passes it on once: a server that got it
// twice would take the second as "exit now" and skip finishing its requests.
const child = spawn(process.execPath, ['src/server.ts'], {
  cwd: `${root}/steps/${latest}`,
  stdio: 'inherit',
  detached: process.platform !== 'win32',
});
// Pass on Ctrl-C, SIGTERM (a process manager, an IDE's stop button) and SIGHUP (the
// terminal closed): the server must not outlive this script. Leave with its exit code.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
