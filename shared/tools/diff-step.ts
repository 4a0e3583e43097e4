// What a step changed relative to the step before it:
//   npm run diff -- 02              the whole diff of steps/02-* against steps/01-*
//   npm run diff -- 02 --code       the code alone: no Markdown, no `// #region` lines
//   npm run diff -- 02 src views    only these folders or files
//   npm run diff -- 02 --stat       one line per changed file: lines added, removed
// Installed and generated files (node_modules, reports, ...) are left out. The diff goes
// through git's pager once, as `git diff` would show it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root, stepDirs } from './npm.ts';

const stepsDir = join(root, 'steps');
const skip = new Set([
  'node_modules',
  'coverage',
  'reports',
  'data',
  '.stryker-tmp',
  'dist',
  '.DS_Store',
]);
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !skip.has(entry.name))
    .flatMap((entry) =>
      entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
    );
}
const list = (step: string) =>
  files(join(stepsDir, step)).map((file) =>
    relative(join(stepsDir, step), file).replaceAll('\\', '/'),
  );
// git diff --no-index compares files outside any repository, run from steps/ so that
// paths read "01-view_classes/src/app.ts"; /dev/null stands for a file one side lacks.
const side = (step: string, path: string) =>
  existsSync(join(stepsDir, step, path)) ? `${step}/${path}` : '/dev/null';

export type DiffOptions = {
  stat?: boolean; // one line per changed file instead of the diff
  code?: boolean; // no Markdown files, no `// #region` lines
  only?: string[]; // these folders or files only
  color?: boolean;
};

// What step `after` changed relative to step `before` (two folder names in steps/), as
// one text: `git diff --no-index` of each file either of them has, in path order.
// Also used by the course site (shared/tools/site/) for each step's "What changed".
export function stepDiff(
  before: string,
  after: string,
  { stat = false, code = false, only = [], color = false }: DiffOptions = {},
): string {
  const wantedPath = (path: string) =>
    (!code || !path.endsWith('.md')) &&
    (only.length === 0 ||
      only.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)));
  let output = '';
  for (const path of [...new Set([...list(before), ...list(after)])]
    .sort()
    .filter(wantedPath)) {
    const args = [
      'diff',
      '--no-index',
      stat ? '--numstat' : color ? '--color=always' : '--color=never',
      // A `// #region` line only marks code that a lesson includes: not a change of code.
      ...(code ? ['--ignore-matching-lines=^[[:space:]]*// #(end)?region( |$)'] : []),
      '--',
      side(before, path),
      side(after, path),
    ];
    const git = spawnSync('git', args, { cwd: stepsDir, encoding: 'utf8' });
    if (git.error)
      throw new Error(`diff: could not run git (${git.error.message}); is git installed?`);
    const [added, removed] = git.stdout.split('\t');
    output += stat
      ? added
        ? `+${added.padEnd(4)} -${removed.padEnd(4)} ${path}\n`
        : ''
      : git.stdout;
  }
  return output;
}

// Run as a command (not imported).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [wanted, ...rest] = process.argv.slice(2);
  const stat = rest.includes('--stat');
  const code = rest.includes('--code');
  const only = rest
    .filter((arg) => !arg.startsWith('--'))
    .map((path) => path.replace(/[\\/]+$/, ''));

  const steps = await stepDirs();
  const index = steps.findIndex((step) => wanted && step.startsWith(wanted));
  if (index < 1) {
    console.error(
      `usage: npm run diff -- <step> [--code] [--stat] [paths...]   where <step> is one of: ${steps.slice(1).join(', ')}`,
    );
    process.exit(2);
  }
  const [before, after] = [steps[index - 1], steps[index]];
  const color = Boolean(process.stdout.isTTY);
  const output =
    `steps/${before} -> steps/${after}\n` +
    stepDiff(before, after, { stat, code, only, color });

  // One pager for the whole diff (git's own: GIT_PAGER, core.pager, PAGER or less).
  const pager =
    process.stdout.isTTY &&
    spawnSync('git', ['var', 'GIT_PAGER'], { encoding: 'utf8' }).stdout?.trim();
  if (pager && pager !== 'cat') {
    spawnSync(pager, {
      input: output,
      stdio: ['pipe', 'inherit', 'inherit'],
      shell: true,
      env: { LESS: 'FRX', ...process.env },
    });
  } else process.stdout.write(output);
}
