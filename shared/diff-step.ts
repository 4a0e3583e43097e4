// What a step changed relative to the step before it:
//   npm run diff -- 02            the whole diff of steps/02-* against steps/01-*
//   npm run diff -- 02 --stat     one line per changed file: lines added, removed
// Installed and generated files (node_modules, coverage, ...) are left out.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root, stepDirs } from './npm.ts';

const stepsDir = join(root, 'steps');
const skip = new Set(['node_modules', 'coverage', 'dist', '.DS_Store']);
const [wanted, ...options] = process.argv.slice(2);
const stat = options.includes('--stat');

const steps = await stepDirs();
const index = steps.findIndex((step) => wanted && step.startsWith(wanted));
if (index < 1) {
  console.error(
    `usage: npm run diff -- <step> [--stat]   where <step> is one of: ${steps.slice(1).join(', ')}`,
  );
  process.exit(2);
}
const [before, after] = [steps[index - 1], steps[index]];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !skip.has(entry.name))
    .flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
}
const list = (step: string) =>
  files(join(stepsDir, step)).map((file) => relative(join(stepsDir, step), file));
// git diff --no-index compares files outside any repository, run from steps/ so that
// paths read "01-view_classes/src/app.ts"; /dev/null stands for a file one side lacks.
const side = (step: string, path: string) =>
  existsSync(join(stepsDir, step, path)) ? join(step, path).replaceAll('\\', '/') : '/dev/null';

console.log(`steps/${before} -> steps/${after}`);
for (const path of [...new Set([...list(before), ...list(after)])].sort()) {
  const args = [
    'diff',
    '--no-index',
    stat ? '--numstat' : '--color=auto',
    '--',
    side(before, path),
    side(after, path),
  ];
  const git = spawnSync('git', args, { cwd: stepsDir, stdio: stat ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (git.error) throw new Error(`diff: could not run git (${git.error.message}); is git installed?`);
  const [added, removed] = (git.stdout ?? '').split('\t');
  if (stat && added) console.log(`+${added.padEnd(4)} -${removed.padEnd(4)} ${path}`);
}
