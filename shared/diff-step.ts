// What a step changed relative to the step before it:
//   npm run diff -- 02            the whole diff of steps/02-* against steps/01-*
//   npm run diff -- 02 --stat     only the list of files and line counts
// Installed and generated files (node_modules, coverage, ...) are left out.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stepDirs } from './npm.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const skip = new Set(['node_modules', 'coverage', 'dist', '.DS_Store']);
const [wanted, ...gitOptions] = process.argv.slice(2);

const steps = await stepDirs(root);
const index = steps.findIndex((step) => wanted && step.startsWith(wanted));
if (index < 1) {
  console.error(
    `usage: npm run diff -- <step> [--stat]   where <step> is one of: ${steps.slice(1).join(', ')}`,
  );
  process.exit(2);
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !skip.has(entry.name))
    .flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
}

const [before, after] = [steps[index - 1], steps[index]].map((step) => join(root, 'steps', step));
const list = (dir: string) => files(dir).map((file) => relative(dir, file));
// git diff --no-index compares two paths outside any repository; /dev/null stands for
// a file that one side lacks (git understands it on every platform).
const side = (dir: string, path: string) => (existsSync(join(dir, path)) ? join(dir, path) : '/dev/null');

console.log(`steps/${steps[index - 1]} -> steps/${steps[index]}`);
for (const path of [...new Set([...list(before), ...list(after)])].sort()) {
  spawnSync('git', ['diff', '--no-index', ...gitOptions, '--', side(before, path), side(after, path)], {
    stdio: 'inherit',
  });
}
